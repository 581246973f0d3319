// Unit tests of the web app's DOM-free modules, with node's built-in test runner
// (ctest web_unit_test: node --test unit.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBackoff } from '../../web/app/backoff.js';
import { createChatState } from '../../web/app/chat_state.js';
import { CURSORS_PER_FRAME, helloFrames } from '../../web/app/hello_frames.js';
import { linkParts } from '../../web/app/links.js';
import { createSocialState } from '../../web/app/social_state.js';
import { createTypingState } from '../../web/app/typing_state.js';
import en from '../../web/i18n/en.js';
import fr from '../../web/i18n/fr.js';
import zh from '../../web/i18n/zh.js';

const message = (seq, extra = {}) => ({ conversation_id: 3, seq, sender_id: 2, id: `c-${seq}`, kind: 'text', text: `m${seq}`, created_at: 1000 + seq, ...extra });

test('backoff doubles its ceiling up to the maximum, with jitter below it, and resets', () => {
  const ceilings = [];
  const backoff = createBackoff({ baseMs: 500, maxMs: 4000, random: () => 1 });
  for (let i = 0; i < 6; i += 1) ceilings.push(backoff.next());
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 4000, 4000]);
  backoff.reset();
  assert.equal(backoff.next(), 500);
  assert.equal(createBackoff({ random: () => 0.5 }).next(), 125);
});

test('a hello with thousands of cursors is split into frames under the frame limit', () => {
  const cursors = (n) => Array.from({ length: n }, (_, i) => ({ conversation_id: 9000000 + i, seq: 123456 }));
  const [only] = helloFrames('pt_x', cursors(3));
  assert.deepEqual(only, { type: 'hello', protocol: 1, token: 'pt_x', batch: true, cursors: cursors(3) });
  const frames = helloFrames('pt_x', cursors(2 * CURSORS_PER_FRAME + 1));
  assert.deepEqual(frames.map((f) => [f.type, f.cursors.length, f.more_cursors ?? f.more]),
    [['hello', 1000, true], ['cursors', 1000, true], ['cursors', 1, false]]);
  assert.deepEqual(frames.flatMap((f) => f.cursors), cursors(2 * CURSORS_PER_FRAME + 1));
  for (const frame of frames) assert.ok(JSON.stringify(frame).length < 65536);
  assert.equal(helloFrames('pt_x', cursors(CURSORS_PER_FRAME)).length, 1);
});

test('a message seen twice (replayed and live) is kept once', () => {
  const state = createChatState();
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 0, self: { user_id: 1 }, members: [{ user_id: 2 }] }]);
  state.addHistory(3, []);
  assert.equal(state.addMessage(message(1)), true);
  assert.equal(state.addMessage(message(1)), false);
  assert.equal(state.get(3).messages.size, 1);
  assert.deepEqual(state.cursors(), [{ conversation_id: 3, seq: 1 }]);
});

test('cursors never move back, and reading implies delivered', () => {
  const state = createChatState();
  state.applySummaries([{ id: 3, last_seq: 5, self: { user_id: 1, delivered_seq: 4, read_seq: 4 }, members: [{ user_id: 2, delivered_seq: 3, read_seq: 2 }] }]);
  state.applyReceipt({ conversation_id: 3, user_id: 2, delivered_seq: 1, read_seq: 1 });
  assert.deepEqual([state.get(3).members[0].delivered_seq, state.get(3).members[0].read_seq], [3, 2]);
  state.applyReceipt({ conversation_id: 3, user_id: 2, delivered_seq: 3, read_seq: 5 });
  assert.deepEqual([state.get(3).members[0].delivered_seq, state.get(3).members[0].read_seq], [5, 5]);
  state.raiseSelf(3, { read_seq: 2 });
  assert.equal(state.get(3).self.read_seq, 4);
});

test('the list is sorted by activity and a newer message moves its conversation up', () => {
  const state = createChatState();
  state.applySummaries([
    { id: 3, last_seq: 1, last_activity_at: 2000 },
    { id: 4, last_seq: 1, last_activity_at: 3000 },
  ]);
  assert.deepEqual(state.sorted().map((c) => c.id), [4, 3]);
  state.addMessage(message(2, { created_at: 5000 }));
  assert.deepEqual(state.sorted().map((c) => c.id), [3, 4]);
  assert.equal(state.get(3).last_message.seq, 2);
});

test('pages of history merge in seq order and the first message ends the scroll back', () => {
  const state = createChatState();
  state.applySummaries([{ id: 3, last_seq: 4 }]);
  state.addHistory(3, [message(3), message(4)], { hasMoreBefore: true });
  assert.equal(state.get(3).oldestSeq, 3);
  assert.equal(state.get(3).hasMoreBefore, true);
  state.addHistory(3, [message(1), message(2)], { hasMoreBefore: false });
  assert.deepEqual([...state.get(3).messages.keys()].sort((a, b) => a - b), [1, 2, 3, 4]);
  assert.equal(state.get(3).hasMoreBefore, false);
});

test('social state: a request, accepted, becomes a friend with presence; a decline drops it', () => {
  const social = createSocialState();
  let changes = 0;
  social.subscribe(() => { changes += 1; });
  social.addRequest({ from_id: 2, to_id: 1, note: 'hi' }, 1);
  social.addRequest({ from_id: 1, to_id: 3 }, 1);
  assert.deepEqual(social.incoming().map((r) => r.from_id), [2]);
  assert.deepEqual(social.outgoing().map((r) => r.to_id), [3]);
  social.addFriend({ user: { id: 2 }, since: 5, presence: { status: 'online', last_seen_at: 9 } });
  assert.equal(social.incoming().length, 0);
  assert.equal(social.isFriend(2), true);
  assert.equal(social.presenceOf(2).status, 'unknown', 'not connected: nothing stale');
  social.setConnected(true);
  assert.equal(social.presenceOf(2).status, 'online');
  social.setPresence(2, { status: 'offline', last_seen_at: 10 });
  assert.deepEqual(social.presenceOf(2), { status: 'offline', last_seen_at: 10 });
  social.dropRequest({ from_id: 1, to_id: 3 }, 1);
  assert.equal(social.outgoing().length, 0);
  social.removeFriend(2);
  assert.equal(social.isFriend(2), false);
  assert.equal(social.presenceOf(2), undefined);
  assert.equal(changes, 7); // setConnected is a change too
});

test('typing state: shown after a frame, cleared by the sender\'s message, expires by itself', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const typing = createTypingState();
  const seen = [];
  typing.subscribe((id) => seen.push(id));
  typing.add(3, 2);
  typing.add(3, 4);
  assert.deepEqual(typing.typers(3), [2, 4]);
  typing.clear(3, 2);
  assert.deepEqual(typing.typers(3), [4]);
  t.mock.timers.tick(4000);
  assert.deepEqual(typing.typers(3), []);
  assert.deepEqual(seen, [3, 3, 3, 3]);
});

test('every English string exists in Chinese and French, with the same placeholders', () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
  for (const language of [zh, fr]) {
    for (const [key, text] of Object.entries(en.strings)) {
      assert.ok(key in language.strings, `${language.locale} lacks ${key}`);
      assert.equal(placeholders(language.strings[key]), placeholders(text), `${language.locale} ${key}`);
    }
  }
});

test('every group event type reads as a sentence with names; unknown types are generic', async () => {
  // i18n.js reads the saved language and sets <html lang> on load: a minimal browser for it.
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { eventText, endsMyMembership } = await import('../../web/app/components/event_text.js');
  const names = { 1: 'Alice', 2: 'Bob', 3: 'Carol' };
  const users = { name: (id) => names[id] };
  const line = (event) => eventText({ sender_id: event.actor, event }, users);
  assert.equal(line({ type: 'group_created', actor: 1, name: 'Team', users: [2] }), 'Alice created the group “Team”');
  assert.equal(line({ type: 'member_added', actor: 1, users: [2, 3] }), 'Alice added Bob, Carol');
  assert.equal(line({ type: 'member_added', actor: 3, users: [3], via: 'invite' }), 'Carol joined');
  assert.equal(line({ type: 'member_removed', actor: 1, users: [3] }), 'Alice removed Carol');
  assert.equal(line({ type: 'member_left', actor: 2 }), 'Bob left');
  assert.equal(line({ type: 'renamed', actor: 1, name: 'Crew' }), 'Alice renamed the group to “Crew”');
  assert.equal(line({ type: 'topic_changed', actor: 1, topic: 'launch' }), 'Alice set the topic to “launch”');
  assert.equal(line({ type: 'topic_changed', actor: 1, topic: '' }), 'Alice cleared the topic');
  assert.equal(line({ type: 'role_changed', actor: 1, user: 2, role: 'admin' }), 'Alice made Bob an admin');
  assert.equal(line({ type: 'role_changed', actor: 1, user: 2, role: 'member' }), 'Alice made Bob a member');
  assert.match(line({ type: 'muted', actor: 1, user: 3, until: 1767229200000 }), /^Alice muted Carol until .+2026/);
  assert.equal(line({ type: 'unmuted', actor: 1, user: 3 }), 'Alice unmuted Carol');
  assert.equal(line({ type: 'ownership_transferred', actor: 1, user: 2 }), 'Alice made Bob the owner');
  assert.equal(line({ type: 'group_deleted', actor: 1 }), 'Alice deleted the group');
  assert.equal(line({ type: 'visibility_changed', actor: 1, is_public: true }), 'Alice made the group public');
  assert.equal(line({ type: 'visibility_changed', actor: 1, is_public: false }), 'Alice made the group private');
  assert.equal(line({ type: 'future_thing', actor: 1 }), 'The conversation changed');
  assert.equal(endsMyMembership({ sender_id: 2, event: { type: 'member_left', actor: 2 } }, 2), true);
  assert.equal(endsMyMembership({ sender_id: 1, event: { type: 'member_removed', actor: 1, users: [3] } }, 2), false);
  assert.equal(endsMyMembership({ sender_id: 1, event: { type: 'group_deleted', actor: 1 } }, 2), true);
});

test('times follow the profile time zone; one Intl does not know falls back to the browser\'s', async () => {
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { formatTime, setTimeZone, timeZone } = await import('../../web/app/format.js');
  setTimeZone('Asia/Shanghai');
  assert.equal(timeZone(), 'Asia/Shanghai');
  assert.match(formatTime(0), /^8:00\sAM$/); // the epoch, UTC+8
  setTimeZone('Etc/GMT+5');
  assert.match(formatTime(0), /^7:00\sPM$/);
  setTimeZone('Mars/Olympus_Mons');
  assert.equal(timeZone(), Intl.DateTimeFormat().resolvedOptions().timeZone);
  setTimeZone('');
  assert.equal(timeZone(), Intl.DateTimeFormat().resolvedOptions().timeZone);
});

test('links: http(s) and www. become links, without trailing punctuation; nothing else does', () => {
  const link = (text, href = text) => ({ text, href });
  const cases = [
    ['see https://example.com/a.', [{ text: 'see ' }, link('https://example.com/a'), { text: '.' }]],
    ['www.example.org, ok', [link('www.example.org', 'https://www.example.org/'), { text: ', ok' }]],
    ['(https://x.org/a)', [{ text: '(' }, link('https://x.org/a'), { text: ')' }]],
    ['https://en.wikipedia.org/wiki/Foo_(bar)', [link('https://en.wikipedia.org/wiki/Foo_(bar)')]],
    ['wow http://a.io/x! really? http://b.io?', [{ text: 'wow ' }, link('http://a.io/x'), { text: '! really? ' }, link('http://b.io', 'http://b.io/'), { text: '?' }]],
    ['HTTPS://EXAMPLE.COM/Path', [link('HTTPS://EXAMPLE.COM/Path', 'https://example.com/Path')]],
    ['看https://example.com/a很好。', [{ text: '看' }, link('https://example.com/a'), { text: '很好。' }]],
    ['<a href="https://x.io/">x</a>', [{ text: '<a href="' }, link('https://x.io/'), { text: '">x</a>' }]],
    ['https://a.io/?q=1&r=2#top', [link('https://a.io/?q=1&r=2#top')]],
  ];
  for (const [text, parts] of cases) {
    assert.deepEqual(linkParts(text), parts, text);
    assert.equal(linkParts(text).map((part) => part.text).join(''), text, `${text}: nothing lost`);
  }
  for (const text of ['javascript:alert(1)', 'javascript://www.evil.io/%0aalert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>',
    'ftp://files.io', 'mailto:a@b.io', 'xhttp://a.io', 'me@www.a.io', 'http://', 'https://.', 'www.', 'www..', 'no links here', '']) {
    assert.deepEqual(linkParts(text), [{ text }], text);
  }
});

test('errors read as sentences, the most specific context first; a code never shows', async () => {
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { errorText } = await import('../../web/app/errors.js');
  assert.equal(errorText({ code: 'forbidden' }, ['group_send', 'send']), 'You are muted in this group for now.');
  assert.equal(errorText({ code: 'forbidden' }, 'send'), en.strings['error.send.forbidden']);
  assert.equal(errorText({ code: 'too_large' }, ['group_send', 'send']), 'Too long to send.');
  assert.equal(errorText({ code: 'blocked' }, 'send'), 'This person has blocked you.');
  for (const code of ['no_such_code', 'internal', undefined]) {
    assert.equal(errorText({ code }, 'send'), 'Something went wrong. Try again.', String(code));
  }
});

test('the saved conversation list reads only arrays of summaries with a positive id', async () => {
  const { parseSaved, summaryOf } = await import('../../web/app/saved_list.js');
  for (const text of [null, '', '{', 'null', '42', '"list"', '{"id":1}', '[]', 'x'.repeat(10000)]) assert.deepEqual(parseSaved(text), [], String(text).slice(0, 20));
  assert.deepEqual(parseSaved('[null, 1, "a", {"id": -1}, {"id": 1.5}, {"id": "3"}, {"id": 3, "kind": "group"}, {"__proto__": {"id": 4}}]'),
    [{ id: 3, kind: 'group' }]);
  const state = createChatState({ myId: 1 });
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 4, unread: 2, last_message: message(4), self: { user_id: 1, read_seq: 2 }, members: [{ user_id: 2 }] }]);
  const summary = summaryOf(state.get(3), state.unread(state.get(3)));
  assert.equal(summary.messages, undefined, 'no history is saved');
  const again = createChatState({ myId: 1 });
  again.applySummaries(parseSaved(JSON.stringify([summary])));
  assert.equal(again.unread(again.get(3)), 2);
  assert.equal(again.get(3).last_message.text, 'm4');
});

test('sync deltas: the hello carries the token; the saved list keeps the token with its summaries', async () => {
  const { parseSavedList } = await import('../../web/app/saved_list.js');
  const cursors = Array.from({ length: CURSORS_PER_FRAME + 1 }, (_, i) => ({ conversation_id: i + 1, seq: 1 }));
  const [hello, rest] = helloFrames('pt_x', cursors, '1.ab.7.42');
  assert.equal(hello.since, '1.ab.7.42');
  assert.equal(rest.since, undefined, 'only the hello carries it');
  assert.equal('since' in helloFrames('pt_x', [])[0], false, 'no token, no field');
  assert.deepEqual(parseSavedList('{"since": "1.ab.7.42", "conversations": [{"id": 3}]}'), { summaries: [{ id: 3 }], since: '1.ab.7.42' });
  assert.deepEqual(parseSavedList('[{"id": 3}]'), { summaries: [{ id: 3 }], since: '' }, 'a list saved before tokens');
  for (const text of ['{"since": "t", "conversations": []}', '{"since": 5, "conversations": [{"id": 3}]}', '{"since": "t"}', 'null', '{']) {
    const { summaries, since } = parseSavedList(text);
    assert.equal(since, '', text);
    assert(summaries.length <= 1, text);
  }
  const state = createChatState({ myId: 1 });
  assert.equal(state.syncToken(), '');
  state.setSyncToken('1.ab.7.42');
  assert.equal(state.syncToken(), '1.ab.7.42');
  state.setSyncToken(42);
  assert.equal(state.syncToken(), '', 'only strings are tokens');
  state.setSyncToken('t');
  state.clear();
  assert.equal(state.syncToken(), '', 'logging out forgets it');
});

test('message rows: days, groups of one sender, the unread line and outbox entries, with stable keys', async () => {
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { firstUnreadSeq, rowsFor } = await import('../../web/app/components/message_rows.js');
  const state = createChatState({ myId: 1 });
  state.applySummaries([{ id: 3, kind: 'direct', last_seq: 0, self: { user_id: 1, read_seq: 1 }, members: [{ user_id: 2 }] }]);
  const day = Date.UTC(2026, 0, 5, 12);
  state.addHistory(3, [
    message(1, { sender_id: 1, created_at: day }), message(2, { created_at: day + 1000 }), message(3, { created_at: day + 2000 }),
    message(4, { created_at: day + 86400000 }),
  ], { hasMoreBefore: false });
  const c = state.get(3);
  assert.equal(firstUnreadSeq(c, 1), 2);
  const users = { name: (id) => `u${id}` };
  const rows = rowsFor({ conversation: c, pending: [{ id: 'w-1', text: 'hi', created_at: day + 86400000 + 5 }], myId: 1, unreadFromSeq: 2, users, usersVersion: 0, rich: null, sendContext: ['send'], onDiscard() {}, onRetry() {} });
  assert.deepEqual(rows.map((row) => row.key), [rows[0].key, 'm1', 'unread', 'm2', 'm3', rows[5].key, 'm4', 'ow-1']);
  assert.match(rows[0].key, /^d2026-01-05$/);
  assert.equal(rows[4].sig[3], true, 'm3 continues m2');
  assert.equal(rows[3].sig[3], false, 'after the unread line a group starts again');
  assert.deepEqual([rows[3].unread, rows[1].unread], [true, undefined], 'others\' unread flagged; mine not');
  const again = rowsFor({ conversation: c, pending: [], myId: 1, unreadFromSeq: 2, users, usersVersion: 0, rich: null, sendContext: ['send'], onDiscard() {}, onRetry() {} });
  assert.ok(again[3].sig.every((value, i) => value === rows[3].sig[i]), 'an unchanged message keeps its signature');
});

test('previews and refused sends read as the language writes them', async () => {
  globalThis.localStorage ??= { getItem: () => 'en', setItem() {} };
  globalThis.navigator ??= { languages: ['en'] };
  globalThis.document ??= { documentElement: {} };
  const { errorText } = await import('../../web/app/errors.js');
  assert.equal(errorText({ code: 'forbidden' }, ['send_blocked', 'send']), en.strings['error.send_blocked.forbidden']);
  assert.equal(errorText({ code: 'forbidden' }, ['send_not_friends', 'send']), en.strings['error.send_not_friends.forbidden']);
  assert.equal(errorText({ code: 'too_large' }, ['send_blocked', 'send']), 'Too long to send.');
  assert.equal(fr.strings.preview_mine, 'Vous\u00a0: {text}', 'a no-break space before the colon');
  for (const key of ['preview_mine', 'preview_sender', 'error.send_blocked.forbidden', 'error.send_not_friends.forbidden', 'search_count_one']) {
    for (const strings of [en.strings, zh.strings, fr.strings]) assert.equal(typeof strings[key], 'string', key);
  }
});

test('moments: routes, the activity dot, and every string in three languages', async () => {
  const { match } = await import('../../web/app/router.js');
  assert.deepEqual([match('/moments').name, match('/moments').id], ['moments', undefined]);
  assert.deepEqual([match('/moments/user/42').name, match('/moments/user/42').id], ['moments', 42]);
  assert.equal(match('/moments/user/abc').name, 'home');
  const { createMomentsActivity } = await import('../../web/app/moments_activity.js');
  const activity = createMomentsActivity();
  const heard = [];
  activity.subscribe((frame) => heard.push(frame?.type ?? null));
  assert.equal(activity.unseen(), false);
  activity.add({ type: 'moment_posted', moment_id: 1 });
  assert.equal(activity.unseen(), true);
  activity.seen();
  activity.seen(); // twice tells once
  assert.equal(activity.unseen(), false);
  assert.deepEqual(heard, ['moment_posted', null]);
  const keys = Object.keys(en.strings).filter((key) => key.includes('moment') || key.startsWith('audience_'));
  assert.ok(keys.length >= 20);
  for (const key of keys) {
    for (const strings of [zh.strings, fr.strings]) assert.equal(typeof strings[key], 'string', key);
  }
});

test('an answer cut short is a network error, never an empty success; a stored session without its user is no session', async () => {
  const { createApi } = await import('../../web/app/api.js');
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => new Response('{"user": {"id": 7, "na', { status: 200, headers: { 'Content-Type': 'application/json' } });
  try {
    await assert.rejects(createApi(() => 'pt_x').account(), (error) => error.code === 'network');
  } finally {
    globalThis.fetch = realFetch;
  }

  const { loadSession } = await import('../../web/app/session.js');
  const stored = new Map();
  const realStorage = globalThis.localStorage;
  globalThis.localStorage = { getItem: (key) => stored.get(key) ?? null, setItem: (key, value) => stored.set(key, value) };
  try {
    stored.set('parley.session', JSON.stringify({ token: 'pt_x', device_id: 1 }));
    assert.equal(loadSession(), null);
    stored.set('parley.session', JSON.stringify({ token: 'pt_x', device_id: 1, user: { id: 7 } }));
    assert.equal(loadSession().user.id, 7);
  } finally {
    globalThis.localStorage = realStorage;
  }
});
