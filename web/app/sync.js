// sync: keeps chat_state and the outbox in step with the server. The only module that turns
// frames into state and state into frames.
//
// Contract
// - start() loads the conversation list over HTTP, then opens the connection; hello carries
//   state.cursors() and state.syncToken(), so a reconnect replays exactly what this device
//   missed and `synced` lists only the conversations that changed since the last one (a delta,
//   merged like a full list); its `removed` ones (left, removed, deleted while away) are
//   dropped, and its token is kept in the state (saved with the list).
// - Incoming messages are deduplicated by (conversation_id, seq) in chat_state; each message
//   from someone else is acknowledged with `delivered` (coalesced per conversation), and after
//   `synced` every conversation's last_seq is (the list already showed it on this device).
// - A live message that skips seqs of a conversation whose history is loaded triggers a
//   `history after` fetch, so a gap is filled, never shown; `synced` with complete:false too.
//   The fetch waits GAP_GRACE_MS first and is skipped if the missing seqs came meanwhile: on a
//   cluster, messages committed on different nodes may arrive out of seq order.
// - sendMessage() (text, a media object from an upload, a quoted message) and sendOp() (edit,
//   delete, react) put the frame in the outbox first and send it when online; after every
//   `synced` the whole outbox is resent with the same client ids (the server deduplicates).
//   An `ack` moves the entry from the outbox into the conversation: the sending connection
//   gets no copy of its own message, so it is rebuilt here (an op with the ack's seq; a react
//   acked `changed: false` stored nothing). A refused op leaves the outbox and is reported to
//   subscribeFailures() listeners as (entry, code).
// - markRead() sends `read` when it raises this device's read cursor.
// - Friends, requests and blocks are loaded over HTTP at start and after every `synced`; the
//   friend, profile and presence frames keep social_state and the user cache current between.
//   `typing` frames go to typing_state; a message clears its sender's typing line. Moment
//   frames (moment_posted, moment_liked, moment_commented) go to moments_activity.
//   sendTyping() sends `typing` at most every 2 s per conversation. The device reports
//   `presence` away while the page is hidden, online when it is visible again.
// - Group events refresh the list (name, topic, role, member count); one that ends my
//   membership removes the group. Group receipts refresh the list too (its read_by).
// - onStatus(status) and onIncoming(message) report to the UI; onAuthFailed() when the token
//   is refused; onStatus also gets when the next attempt starts (connection.js), retryNow()
//   starts it; social_state hears whether presence is current (online) or unknown. limits() is what the server's `welcome` said it accepts (max_text_bytes,
//   max_upload_bytes), {} before the first welcome; retry(id) sends a failed message again.
import { createConnection } from './connection.js';
import { isOp, quoteOf } from './message_ops.js';
import { newClientId } from './outbox.js';
import { endsMyMembership } from './components/event_text.js';

const PAGE = 50;
const RETRYABLE = new Set(['rate_limited', 'unavailable', 'internal', 'closed']);

const TYPING_EVERY_MS = 2000;
// How long a seq gap may wait for its messages to come live before they are fetched.
const GAP_GRACE_MS = 800;
const OP_KINDS = { edit: 'edit', delete: 'delete', react: 'reaction' };

export function createSync({ api, state, social, typing, moments, outbox, users, session, onStatus, onIncoming, onAuthFailed }) {
  const myId = session.user.id;
  const deliveredToSend = new Map();
  const loading = new Set();
  const statusListeners = new Set();
  const typingSentAt = new Map();
  const failureListeners = new Set();
  let status = 'connecting';
  let removals = 0; // groups this device stopped being in, for refreshList
  let socialChanges = 0; // live friend frames seen, for refreshSocial
  let limits = {};

  const connection = createConnection({
    token: session.token,
    getCursors: () => state.cursors(),
    getSince: () => state.syncToken(),
    onFrame: handleFrame,
    onStatus(next, retryAt) {
      status = next;
      social.setConnected(next === 'online');
      onStatus(next, retryAt);
      for (const listener of statusListeners) listener(next);
    },
    onAuthFailed,
  });

  function handleFrame(frame) {
    switch (frame.type) {
      case 'welcome': users.remember(frame.user); limits = frame.limits ?? {}; break;
      case 'message': onMessage(frame); break;
      case 'ack': onAck(frame); break;
      case 'receipt': onReceipt(frame); break;
      case 'synced': onSynced(frame); break;
      case 'error': if (frame.id) onSendError(frame); break;
      case 'friend_request': socialChanges += 1; users.remember(frame.from); social.addRequest(frame.request, myId); break;
      case 'friend_added': socialChanges += 1; users.remember(frame.friend.user); social.addFriend(frame.friend); break;
      case 'friend_request_declined':
      case 'friend_request_cancelled': socialChanges += 1; social.dropRequest(frame, myId); break;
      case 'friend_removed': socialChanges += 1; social.removeFriend(frame.user_id); break;
      case 'block_changed':
        socialChanges += 1;
        users.remember(frame.user);
        social.setBlocked(frame.user.id, frame.blocked ? frame.since : 0);
        break;
      case 'profile': users.remember(frame.user); break;
      case 'presence': social.setPresence(frame.user_id, frame); break;
      case 'typing': typing.add(frame.conversation_id, frame.user_id); break;
      case 'moment_posted':
      case 'moment_liked':
      case 'moment_commented': moments.add(frame); break;
      default: break;
    }
  }

  function onMessage(frame) {
    const { type, ...message } = frame;
    const conversation = state.get(message.conversation_id);
    const expected = (conversation?.last_seq ?? 0) + 1;
    const known = state.has(message.conversation_id);
    if (!state.addMessage(message)) return;
    const op = isOp(message);
    if (!op) typing.clear(message.conversation_id, message.sender_id);
    if (message.kind === 'event') onEvent(message);
    else if (!known) refreshList();
    if (conversation?.historyLoaded && message.seq > expected) fillGap(message.conversation_id, expected - 1, message.seq);
    if (message.sender_id !== myId) {
      queueDelivered(message.conversation_id, message.seq);
      if (!op) onIncoming(message);
    }
  }

  // Group cursors are summed up by the server (read_by); the list brings the new count.
  function onReceipt(frame) {
    if (state.get(frame.conversation_id)?.kind === 'group') refreshList();
    else state.applyReceipt(frame);
  }

  function onEvent(message) {
    if (endsMyMembership(message, myId)) {
      removals += 1;
      state.remove(message.conversation_id);
    }
    else refreshList(); // name, topic, role and member count come with the list
  }

  function onAck(frame) {
    const entry = outbox.get(frame.id);
    if (!entry) return;
    outbox.remove(frame.id);
    const base = { conversation_id: frame.conversation_id, seq: frame.seq, sender_id: myId, id: frame.id, created_at: frame.created_at ?? Date.now() };
    if (entry.op) {
      if (frame.changed === false) return; // nothing stored: the seq is the target's
      const fields = {
        edit: { text: entry.text, edited_at: frame.edited_at ?? base.created_at },
        delete: {},
        react: { emoji: entry.emoji, on: entry.on },
      }[entry.op];
      state.addMessage({ ...base, kind: OP_KINDS[entry.op], target: entry.seq, ...fields });
      return;
    }
    const known = state.has(frame.conversation_id);
    state.addMessage({
      ...base, kind: entry.kind ?? 'text', text: entry.text, ...(entry.sticker ? { sticker: entry.sticker } : {}),
      ...(entry.media ? { media: entry.media } : {}), ...(entry.reply_to ? { reply_to: entry.reply_to } : {}),
    });
    state.raiseSelf(frame.conversation_id, { read_seq: frame.seq });
    if (!known) refreshList();
  }

  function onSendError(frame) {
    if (RETRYABLE.has(frame.code)) return; // stays in the outbox; resent after the next sync
    const entry = outbox.get(frame.id);
    if (entry?.op) {
      outbox.remove(frame.id);
      for (const listener of failureListeners) listener(entry, frame.code);
      return;
    }
    outbox.markFailed(frame.id, frame.code);
  }

  function onSynced(frame) {
    for (const id of frame.removed ?? []) {
      removals += 1;
      state.remove(id);
    }
    state.applySummaries(frame.conversations.map((c) => ({ ...c, id: c.conversation_id })));
    state.setSyncToken(frame.since);
    for (const entry of frame.conversations) {
      if (!entry.complete && state.get(entry.conversation_id)?.historyLoaded) {
        fillAfter(entry.conversation_id, state.newestLoaded(entry.conversation_id));
      }
    }
    // Whatever this device knows exists (replayed, or seen in the list) has reached it: every
    // conversation, not only those a delta lists (a `delivered` lost with a connection is sent
    // again).
    for (const conversation of state.sorted()) {
      if (conversation.last_seq > conversation.self.delivered_seq) queueDelivered(conversation.id, conversation.last_seq);
    }
    flushOutbox();
    refreshSocial();
    if (document.visibilityState === 'hidden') sendPresence();
  }

  // This device is `away` while its page is hidden (a fresh connection starts `online`).
  function sendPresence() {
    connection.send({ type: 'presence', status: document.visibilityState === 'hidden' ? 'away' : 'online' });
  }

  // A live friend frame that arrives while the lists are being fetched may be newer than what
  // the fetch returns: then the lists are fetched again rather than put over it.
  async function refreshSocial() {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const changesBefore = socialChanges;
      let lists;
      try {
        lists = await Promise.all([api.friends(), api.friendRequests(), api.blocks()]);
      } catch { return; /* the next sync brings it */ }
      if (socialChanges !== changesBefore) continue;
      const [{ friends }, requests, { blocks }] = lists;
      for (const friend of friends) users.remember(friend.user);
      for (const { user } of blocks) users.remember(user);
      social.setFriends(friends);
      social.setRequests(requests);
      social.setBlocks(blocks);
      return;
    }
  }

  function flushOutbox() {
    for (const entry of outbox.pending()) sendFrame(entry);
  }

  function sendFrame(entry) {
    if (entry.op) {
      const fields = { edit: { text: entry.text }, delete: {}, react: { emoji: entry.emoji, on: entry.on } }[entry.op];
      return connection.send({ type: entry.op, id: entry.id, conversation_id: entry.conversation_id, seq: entry.seq, ...fields });
    }
    const target = entry.conversation_id ? { conversation_id: entry.conversation_id } : { to: entry.to };
    if (entry.sticker) {
      return connection.send({ type: 'send', id: entry.id, ...target, sticker: entry.sticker, ...(entry.reply_to ? { reply_to: entry.reply_to.seq } : {}) });
    }
    return connection.send({
      type: 'send', id: entry.id, ...target, text: entry.text,
      ...(entry.media ? { media: entry.media.id } : {}), ...(entry.reply_to ? { reply_to: entry.reply_to.seq } : {}),
    });
  }

  function enqueue(entry) {
    outbox.add(entry);
    if (status === 'online') sendFrame(entry);
    return entry;
  }

  function queueDelivered(conversationId, seq) {
    const first = deliveredToSend.size === 0;
    deliveredToSend.set(conversationId, Math.max(seq, deliveredToSend.get(conversationId) ?? 0));
    if (first) queueMicrotask(flushDelivered);
  }

  function flushDelivered() {
    for (const [conversationId, seq] of deliveredToSend) {
      const self = state.get(conversationId)?.self;
      if (self && seq <= self.delivered_seq) continue;
      if (connection.send({ type: 'delivered', conversation_id: conversationId, seq })) {
        state.raiseSelf(conversationId, { delivered_seq: seq });
      }
    }
    deliveredToSend.clear();
  }

  // A list fetched while this device left a group may still hold it: such a list is stale and
  // fetched again (see `removals`), so a removed conversation never comes back from an older
  // answer.
  async function refreshList() {
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const before = removals;
        const { conversations } = await api.conversations();
        if (before !== removals) continue;
        state.applySummaries(conversations);
        return;
      }
    } catch { /* the next sync or message brings it */ }
  }

  function fetchHistory(conversationId, options) {
    return connection.request({ type: 'history', conversation_id: conversationId, limit: PAGE, ...options });
  }

  // Fetches the seqs between afterSeq and beforeSeq unless they arrive live within the grace.
  function fillGap(conversationId, afterSeq, beforeSeq) {
    setTimeout(() => {
      for (let seq = afterSeq + 1; seq < beforeSeq; seq++) {
        if (!state.hasSeq(conversationId, seq)) return fillAfter(conversationId, afterSeq);
      }
    }, GAP_GRACE_MS);
  }

  async function fillAfter(conversationId, afterSeq) {
    let after = afterSeq;
    for (;;) {
      const reply = await fetchHistory(conversationId, { after }).catch(() => null);
      if (!reply || reply.messages.length === 0) return;
      state.addHistory(conversationId, reply.messages);
      after = reply.messages[reply.messages.length - 1].seq;
      if (!reply.has_more) return;
    }
  }

  // Loads one page: the newest when nothing is loaded yet, else the one before the oldest.
  async function loadPage(conversationId) {
    const conversation = state.get(conversationId);
    if (!conversation || loading.has(conversationId)) return;
    if (conversation.historyLoaded && !conversation.hasMoreBefore) return;
    loading.add(conversationId);
    try {
      const options = conversation.historyLoaded ? { before: conversation.oldestSeq } : {};
      const reply = await fetchHistory(conversationId, options);
      state.addHistory(conversationId, reply.messages, { hasMoreBefore: reply.has_more, pruned: reply.pruned });
    } finally {
      loading.delete(conversationId);
    }
  }

  return {
    async start() {
      document.addEventListener('visibilitychange', sendPresence);
      await refreshList();
      connection.start();
    },
    stop() {
      document.removeEventListener('visibilitychange', sendPresence);
      connection.stop();
    },
    status: () => status,
    subscribeStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    isLoading: (conversationId) => loading.has(conversationId),
    loadPage,
    // media: the media object of a completed upload; replyTo: the message quoted.
    // A sticker ({id, keywords, media?}) is sent instead of text and media.
    sendMessage({ conversationId, to, text = '', media = null, replyTo = null, sticker = null }) {
      const entry = { id: newClientId(), text, created_at: Date.now() };
      if (sticker) Object.assign(entry, { kind: 'sticker', sticker: sticker.id, text: sticker.keywords, ...(sticker.media ? { media: sticker.media } : {}) });
      if (conversationId) entry.conversation_id = conversationId;
      else entry.to = to;
      if (media) entry.media = media;
      if (replyTo) entry.reply_to = quoteOf(replyTo);
      return enqueue(entry);
    },
    // op: 'edit' (text), 'delete' or 'react' (emoji, on) on the message at `seq`.
    sendOp({ conversationId, op, seq, text, emoji, on }) {
      const fields = { edit: { text }, delete: {}, react: { emoji, on } }[op];
      return enqueue({ id: newClientId(), op, conversation_id: conversationId, seq, created_at: Date.now(), ...fields });
    },
    subscribeFailures(listener) {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    },
    discard: (clientId) => outbox.remove(clientId),
    retryNow: () => connection.retryNow(),
    retry(clientId) {
      outbox.retry(clientId);
      const entry = outbox.get(clientId);
      if (entry && status === 'online') sendFrame(entry);
    },
    limits: () => limits,
    refreshList,
    refreshSocial,
    sendTyping(conversationId) {
      const now = Date.now();
      if (now - (typingSentAt.get(conversationId) ?? 0) < TYPING_EVERY_MS) return;
      if (connection.send({ type: 'typing', conversation_id: conversationId })) typingSentAt.set(conversationId, now);
    },
    markRead(conversationId, seq) {
      const conversation = state.get(conversationId);
      if (!conversation || seq <= conversation.self.read_seq) return;
      if (connection.send({ type: 'read', conversation_id: conversationId, seq })) {
        state.raiseSelf(conversationId, { read_seq: seq });
      }
    },
  };
}
