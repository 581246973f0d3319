// Unit tests of the rich-message modules of the web app (issue 5): operations on messages and
// their convergence in chat_state, reactions, quotes, the upload steps and search paging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChatState } from '../../web/app/chat_state.js';
import { applyOp, applyReaction, hasReacted, isOp, quoteOf, replayOps } from '../../web/app/message_ops.js';
import { createSearchState, snippetParts } from '../../web/app/search_state.js';
import { initialUpload, nextChunk, uploadKindOf, uploadStep } from '../../web/app/uploads.js';

const text = (seq, extra = {}) => ({ conversation_id: 3, seq, sender_id: 2, id: `c-${seq}`, kind: 'text', text: `m${seq}`, created_at: 1000 + seq, ...extra });
const edit = (seq, target, newText, editedAt = 5000 + seq) => ({ conversation_id: 3, seq, sender_id: 2, id: `e-${seq}`, kind: 'edit', target, text: newText, edited_at: editedAt, created_at: editedAt });
const del = (seq, target) => ({ conversation_id: 3, seq, sender_id: 2, id: `d-${seq}`, kind: 'delete', target, created_at: 9000 + seq });
const react = (seq, target, user, emoji, on = true) => ({ conversation_id: 3, seq, sender_id: user, id: `r-${seq}`, kind: 'reaction', target, emoji, on, created_at: 9000 + seq });

function loadedState(messages) {
  const state = createChatState();
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 0, self: { user_id: 1 }, members: [{ user_id: 2 }] }]);
  state.addHistory(3, messages, { hasMoreBefore: false });
  return state;
}

test('ops are recognised by kind; others are shown', () => {
  assert.deepEqual(['edit', 'delete', 'reaction', 'text', 'event', 'notice'].map((kind) => isOp({ kind })),
    [true, true, true, false, false, false]);
});

test('reactions aggregate per emoji, in first-reacted order, and are idempotent', () => {
  let reactions = applyReaction(undefined, 1, '👍', true);
  reactions = applyReaction(reactions, 2, '❤️', true);
  reactions = applyReaction(reactions, 2, '👍', true);
  assert.deepEqual(applyReaction(reactions, 2, '👍', true), reactions, 'on twice: unchanged');
  assert.deepEqual(reactions, [{ emoji: '👍', count: 2, users: [1, 2] }, { emoji: '❤️', count: 1, users: [2] }]);
  assert.equal(applyReaction(reactions, 3, '👍', false), reactions, 'off without a reaction: unchanged');
  reactions = applyReaction(reactions, 2, '❤️', false);
  assert.deepEqual(reactions, [{ emoji: '👍', count: 2, users: [1, 2] }], 'an emoji nobody keeps goes');
  assert.equal(hasReacted({ reactions }, 1, '👍'), true);
  assert.equal(hasReacted({ reactions }, 1, '❤️'), false);
});

test('a delete leaves a tombstone that later ops do not change', () => {
  const original = text(4, { media: { id: 'm_1', kind: 'image' }, reply_to: { seq: 2 }, reactions: [{ emoji: '👍', count: 1, users: [1] }], edited_at: 7 });
  const gone = applyOp(original, del(9, 4));
  assert.deepEqual(gone, { conversation_id: 3, seq: 4, sender_id: 2, id: 'c-4', kind: 'text', created_at: 1004, text: '', deleted: true });
  assert.equal(applyOp(gone, edit(10, 4, 'late')), gone);
  assert.equal(applyOp(gone, react(11, 4, 1, '😀')), gone);
  assert.equal(applyOp(gone, del(9, 4)), gone);
});

test('an edit older than the snapshot does not roll its text back', () => {
  const snapshot = text(4, { text: 'second', edited_at: 6000 });
  assert.equal(applyOp(snapshot, edit(5, 4, 'first', 5500)), snapshot);
  assert.deepEqual(applyOp(snapshot, edit(8, 4, 'third', 6100)), { ...snapshot, text: 'third', edited_at: 6100 });
});

test('ops replayed in any arrival order end in seq order', () => {
  const ops = [react(9, 4, 1, '👍', false), react(7, 4, 1, '👍'), edit(8, 4, 'fixed'), react(6, 5, 1, '🎉')];
  const result = replayOps(text(4), ops);
  assert.equal(result.text, 'fixed');
  assert.equal(result.reactions, undefined, 'on at 7, off at 9: none');
});

test('quotes carry 200 characters, the media kind, and no text once deleted', () => {
  const long = '字'.repeat(250);
  const quote = quoteOf(text(4, { text: long, media: { kind: 'voice' } }));
  assert.equal(Array.from(quote.text).length, 200);
  assert.deepEqual({ ...quote, text: undefined }, { seq: 4, sender_id: 2, kind: 'text', text: undefined, media_kind: 'voice', deleted: false });
  assert.deepEqual(quoteOf(applyOp(text(4), del(5, 4))), { seq: 4, sender_id: 2, kind: 'text', text: '', deleted: true });
});

test('chat_state: live ops change their target, are kept once, and never shown', () => {
  const state = loadedState([text(1)]);
  state.addMessage(text(2, { reply_to: quoteOf(text(1)) }));
  assert.equal(state.addMessage(edit(3, 1, 'edited')), true);
  assert.equal(state.addMessage(edit(3, 1, 'edited')), false, 'the same op twice');
  state.addMessage(react(4, 2, 1, '👍'));
  state.addMessage(react(5, 2, 2, '👍'));
  const c = state.get(3);
  assert.deepEqual([...c.messages.keys()].sort(), [1, 2], 'ops are not messages');
  assert.equal(state.message(3, 1).text, 'edited');
  assert.equal(state.message(3, 2).reply_to.text, 'edited', 'the quote follows its target');
  assert.deepEqual(state.message(3, 2).reactions, [{ emoji: '👍', count: 2, users: [1, 2] }]);
  state.addMessage(del(6, 1));
  assert.equal(state.message(3, 1).deleted, true);
  assert.deepEqual(state.message(3, 2).reply_to, { seq: 1, sender_id: 2, kind: 'text', text: '', deleted: true });
  assert.equal(c.last_message.seq, 2, 'ops are not the last message');
  assert.equal(state.newestLoaded(3), 6);
  assert.equal(c.last_seq, 6);
});

test('chat_state: a history page of an old target takes the ops this device already has', () => {
  const state = createChatState();
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 30, self: { user_id: 1, read_seq: 30 }, members: [{ user_id: 2 }] }]);
  // The newest page first: ops on seq 10, which is older than the page.
  state.addHistory(3, [edit(21, 10, 'new text'), react(22, 10, 2, '🎉'), text(23)], { hasMoreBefore: true });
  assert.equal(state.message(3, 10), undefined);
  // The page before brings seq 10 as the server had it when it answered: the edit already in,
  // the reaction not yet (it raced the page). Both end applied, nothing twice.
  state.addHistory(3, [text(10, { text: 'new text', edited_at: edit(21, 10).edited_at }), text(11)], { hasMoreBefore: false });
  assert.equal(state.message(3, 10).text, 'new text');
  assert.deepEqual(state.message(3, 10).reactions, [{ emoji: '🎉', count: 1, users: [2] }]);
  // The same page again (a reload of history) changes nothing.
  state.addHistory(3, [text(10, { text: 'new text', edited_at: edit(21, 10).edited_at, reactions: [{ emoji: '🎉', count: 1, users: [2] }] })]);
  assert.deepEqual(state.message(3, 10).reactions, [{ emoji: '🎉', count: 1, users: [2] }]);
});

test('chat_state: ops are not unread; the server\'s count holds until the read cursor moves', () => {
  const state = createChatState();
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 10, unread: 2, self: { user_id: 1, read_seq: 5 }, members: [{ user_id: 2 }] }]);
  const c = state.get(3);
  assert.equal(state.unread(c), 2, 'seqs 6..10 hold 3 ops the device never saw');
  state.addMessage(react(11, 4, 2, '👍'));
  assert.equal(state.unread(c), 2, 'a reaction is not unread');
  state.addMessage(text(12));
  assert.equal(state.unread(c), 3);
  state.raiseSelf(3, { read_seq: 12 });
  assert.equal(state.unread(c), 0);
  state.addMessage(edit(13, 12, 'x'));
  state.addMessage(text(14));
  assert.equal(state.unread(c), 1);
});

test('upload steps: chunks in order, resume from the server after a loss or a conflict', () => {
  let state = initialUpload(10);
  assert.equal(state.phase, 'create');
  assert.equal(nextChunk(state), null);
  state = uploadStep(state, { type: 'lost' });
  assert.equal(state.phase, 'create', 'lost before the upload exists: create again');
  state = uploadStep(state, { type: 'created', upload_id: 'u_1', chunk_bytes: 4, received: 0 });
  assert.deepEqual(nextChunk(state), { start: 0, end: 4 });
  state = uploadStep(state, { type: 'stored', received: 4 });
  assert.deepEqual(nextChunk(state), { start: 4, end: 8 });
  state = uploadStep(state, { type: 'lost' });
  assert.deepEqual([state.phase, state.losses], ['check', 1]);
  state = uploadStep(state, { type: 'stored', received: 8 }); // the lost PUT had arrived
  assert.deepEqual([nextChunk(state), state.losses], [{ start: 8, end: 10 }, 0]);
  state = uploadStep(state, { type: 'conflict', received: 6 });
  assert.deepEqual(nextChunk(state), { start: 6, end: 10 }, 'the server knows best');
  state = uploadStep(state, { type: 'stored', received: 10 });
  assert.equal(state.phase, 'complete');
  state = uploadStep(state, { type: 'completed', media: { id: 'm_1' } });
  assert.deepEqual([state.phase, state.media.id], ['done', 'm_1']);
  assert.equal(uploadStep(state, { type: 'cancel' }), state, 'done is final');
});

test('upload steps: errors and cancel are final; a resumed upload may start complete', () => {
  const failed = uploadStep(uploadStep(initialUpload(5), { type: 'created', upload_id: 'u', chunk_bytes: 8, received: 0 }), { type: 'failed', code: 'quota_exceeded' });
  assert.deepEqual([failed.phase, failed.error], ['failed', 'quota_exceeded']);
  const cancelled = uploadStep(initialUpload(5), { type: 'cancel' });
  assert.equal(uploadStep(cancelled, { type: 'created', upload_id: 'u', chunk_bytes: 8, received: 0 }), cancelled);
  assert.equal(uploadStep(initialUpload(5), { type: 'created', upload_id: 'u', chunk_bytes: 8, received: 5 }).phase, 'complete');
  assert.deepEqual(['image/png', 'image/gif', 'image/svg+xml', 'audio/webm', ''].map((type) => uploadKindOf({ type })),
    ['image', 'image', 'file', 'file', 'file']);
  assert.deepEqual(['video/webm', 'video/mp4', 'video/quicktime', 'video/x-msvideo'].map((type) => uploadKindOf({ type })),
    ['video', 'video', 'video', 'file']);
});

test('snippets split at the match markers; markup in them stays text', () => {
  assert.deepEqual(snippetParts('…to \ue000world\ue001 peace \ue000World\ue001'), [
    { text: '…to ', match: false }, { text: 'world', match: true }, { text: ' peace ', match: false }, { text: 'World', match: true }]);
  assert.deepEqual(snippetParts('你好\ue000世界\ue001'), [{ text: '你好', match: false }, { text: '世界', match: true }]);
  assert.deepEqual(snippetParts('<b>\ue000x'), [{ text: '<b>', match: false }, { text: 'x', match: true }]);
  assert.deepEqual(snippetParts(''), []);
});

test('search pages append in order, once each, and answers to an older query are dropped', () => {
  const result = (seq) => ({ message: text(seq), snippet: `m${seq}` });
  const search = createSearchState();
  const first = search.start('hello');
  const second = search.start('world', 3);
  assert.equal(search.add(first, { results: [result(9)] }), false);
  assert.equal(search.add(second, { results: [result(9), result(8)], next: 'c1' }), true);
  assert.equal(search.more(), second);
  assert.equal(search.more(), null, 'one page at a time');
  search.add(second, { results: [result(8), result(7)] });
  assert.deepEqual(search.results().map((r) => r.message.seq), [9, 8, 7]);
  assert.equal(search.moreCursor(), null);
  assert.equal(search.more(), null);
  assert.deepEqual(search.query(), { q: 'world', conversationId: 3 });
  assert.equal(search.fail(first, 'internal'), false);
  assert.equal(search.error(), null);
});

test('a search result opens /chat/ID?at=SEQ: paths keep their query', async () => {
  const { match } = await import('../../web/app/router.js');
  const route = match('/chat/3?at=42');
  assert.deepEqual([route.name, route.id, route.query.get('at')], ['chat', 3, '42']);
  const search = match('/search?in=3&q=%E4%B8%96%E7%95%8C');
  assert.deepEqual([search.name, search.query.get('in'), search.query.get('q')], ['search', '3', '世界']);
  assert.equal(match('/chat/x?at=1').name, 'home');
});

test('file sizes and clip lengths read as people write them', async () => {
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { formatBytes, formatDuration } = await import('../../web/app/format.js');
  assert.deepEqual([0, 999, 1000, 1530000, 9437184, 2.5e9].map(formatBytes), ['0 bytes', '999 bytes', '1 kB', '1.5 MB', '9.4 MB', '2.5 GB']);
  assert.deepEqual([0, 499, 2600, 61000, 750000, -5, undefined].map(formatDuration), ['0:00', '0:00', '0:03', '1:01', '12:30', '0:00', '0:00']);
});

test('my own receipt before the list knows a new conversation is not another member', () => {
  const state = createChatState({ myId: 1 });
  state.addMessage(text(1)); // the first message from someone new: no summary yet
  state.applyReceipt({ conversation_id: 3, user_id: 1, delivered_seq: 1, read_seq: 0 });
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 1, self: { user_id: 1, delivered_seq: 1 }, members: [{ user_id: 2 }] }]);
  assert.deepEqual(state.get(3).members.map((m) => m.user_id), [2]);
  assert.equal(state.get(3).self.delivered_seq, 1);
});
