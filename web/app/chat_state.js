// chat_state: what this device knows about its conversations. Pure data, no I/O.
//
// Contract
// - A conversation is {id, kind, last_seq, last_activity_at, last_message, self, members,
//   messages: Map seq -> message, ops: Map seq -> op, oldestSeq, hasMoreBefore,
//   historyLoaded, pruned ({from, through}: history reached what the retention policy removed)}; groups also carry name, topic, member_count, role (mine) and read_by from
//   the list and `synced`.
// - Messages are deduplicated by (conversation_id, seq): applying one twice changes nothing
//   and addMessage() returns false the second time.
// - Operations (edit, delete, reaction: message_ops.js) are kept in `ops`, never in
//   `messages`: each changes its target when that is loaded, and is applied again, in seq
//   order, over every later copy of the target (a history page), so live, replayed and paged
//   copies converge on the server's state. Quotes of the target (reply_to) and the list's
//   last_message follow it. Ops neither move the conversation up nor count as unread:
//   unread(conversation) is the server's `unread` while the read cursor stays where the list
//   said, plus newer messages; else the seqs after the read cursor that are not known ops.
// - Cursors only move forward (as on the server).
// - subscribe(listener) is told listener(conversationId | null) after every change (null: the
//   whole list changed). cursors() is what `hello` sends: the highest seq known per
//   conversation, one for every conversation known (so that `synced` can say which are gone).
// - syncToken() is the `since` of the last `synced` applied (setSyncToken), '' for none: this
//   state holds everything up to it, so it is saved and restored with the list (saved_list.js)
//   and sent with the next hello.
import { applyOp, isOp, quoteOf, replayOps } from './message_ops.js';

const GROUP_FIELDS = ['name', 'topic', 'member_count', 'role', 'read_by'];

// myId: this device's user, so a receipt of mine that comes before the conversation's summary
// (a first message from someone new) is never taken for another member's.
export function createChatState({ myId } = {}) {
  const conversations = new Map();
  const listeners = new Set();
  let syncToken = '';

  function notify(conversationId = null) {
    for (const listener of listeners) listener(conversationId);
  }

  function ensure(id) {
    let conversation = conversations.get(id);
    if (!conversation) {
      conversation = {
        id, kind: 'direct', last_seq: 0, last_activity_at: 0, last_message: null,
        self: { user_id: myId, delivered_seq: 0, read_seq: 0 }, members: [],
        messages: new Map(), ops: new Map(), oldestSeq: Infinity, hasMoreBefore: true,
        historyLoaded: false, known: false, unreadAt: null,
      };
      conversations.set(id, conversation);
    }
    return conversation;
  }

  function raiseCursors(target, source) {
    target.delivered_seq = Math.max(target.delivered_seq ?? 0, source.delivered_seq ?? 0, source.read_seq ?? 0);
    target.read_seq = Math.max(target.read_seq ?? 0, source.read_seq ?? 0);
  }

  function applySummary(summary) {
    const conversation = ensure(summary.id ?? summary.conversation_id);
    conversation.known = true;
    if (summary.kind) conversation.kind = summary.kind;
    for (const field of GROUP_FIELDS) if (field in summary) conversation[field] = summary[field];
    conversation.last_seq = Math.max(conversation.last_seq, summary.last_seq ?? 0);
    if (summary.last_activity_at) {
      conversation.last_activity_at = Math.max(conversation.last_activity_at, summary.last_activity_at);
    }
    const last = summary.last_message;
    if (last && (!conversation.last_message || last.seq >= conversation.last_message.seq)) {
      conversation.last_message = last;
    }
    if (summary.self) {
      conversation.self.user_id = summary.self.user_id;
      raiseCursors(conversation.self, summary.self);
    }
    if (typeof summary.unread === 'number') {
      conversation.unreadAt = { unread: summary.unread, read_seq: summary.self?.read_seq ?? 0, last_seq: summary.last_seq ?? 0 };
    }
    for (const member of summary.members ?? []) {
      const existing = conversation.members.find((m) => m.user_id === member.user_id);
      if (existing) raiseCursors(existing, member);
      else conversation.members.push({ ...member });
    }
    return conversation;
  }

  // Stores a message (a snapshot from history or live) with the known ops on it applied.
  function storeMessage(conversation, message) {
    conversation.messages.set(message.seq, replayOps(message, [...conversation.ops.values()]));
  }

  function storeOp(conversation, op) {
    conversation.ops.set(op.seq, op);
    const target = conversation.messages.get(op.target);
    if (target) {
      const changed = applyOp(target, op);
      if (changed !== target) {
        conversation.messages.set(op.target, changed);
        followTarget(conversation, changed);
      }
    }
    if (conversation.last_message?.seq === op.target) conversation.last_message = applyOp(conversation.last_message, op);
  }

  // Quotes show the quoted message as it is now.
  function followTarget(conversation, target) {
    const quote = quoteOf(target);
    for (const [seq, message] of conversation.messages) {
      if (message.reply_to?.seq === target.seq) conversation.messages.set(seq, { ...message, reply_to: quote });
    }
  }

  function unread(conversation) {
    const { read_seq: readSeq } = conversation.self;
    const newer = (after) => {
      let count = conversation.last_seq - after;
      for (const seq of conversation.ops.keys()) if (seq > after && seq <= conversation.last_seq) count -= 1;
      return count;
    };
    const at = conversation.unreadAt;
    if (at && at.read_seq === readSeq) return Math.max(0, at.unread + newer(Math.max(at.last_seq, readSeq)));
    return Math.max(0, newer(readSeq));
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: (id) => conversations.get(id),
    has: (id) => conversations.get(id)?.known === true,
    sorted() {
      return [...conversations.values()]
        .filter((c) => c.known)
        .sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id);
    },
    cursors() {
      return [...conversations.values()]
        .filter((c) => c.last_seq > 0)
        .map((c) => ({ conversation_id: c.id, seq: c.last_seq }));
    },
    syncToken: () => syncToken,
    setSyncToken(token) {
      syncToken = typeof token === 'string' ? token : '';
    },
    findDirectWith(userId) {
      return [...conversations.values()].find(
        (c) => c.kind === 'direct' && c.members.some((m) => m.user_id === userId));
    },
    // The HTTP list or a `synced` entry: summaries of conversations.
    applySummaries(summaries) {
      for (const summary of summaries) applySummary(summary);
      notify(null);
    },
    unread,
    // The message at `seq` as this device shows it (undefined when not loaded).
    message: (conversationId, seq) => conversations.get(conversationId)?.messages.get(seq),
    // Whether this device holds `seq` (a message or an op).
    hasSeq(conversationId, seq) {
      const conversation = conversations.get(conversationId);
      return Boolean(conversation && (conversation.messages.has(seq) || conversation.ops.has(seq)));
    },
    // The highest seq loaded (messages and ops), where a `history after` continues.
    newestLoaded(conversationId) {
      const conversation = conversations.get(conversationId);
      if (!conversation) return 0;
      return Math.max(0, ...conversation.messages.keys(), ...conversation.ops.keys());
    },
    // Returns true when the message was new to this device.
    addMessage(message) {
      const conversation = ensure(message.conversation_id);
      if (conversation.messages.has(message.seq) || conversation.ops.has(message.seq)) return false;
      const isLatest = message.seq >= conversation.last_seq;
      conversation.last_seq = Math.max(conversation.last_seq, message.seq);
      conversation.oldestSeq = Math.min(conversation.oldestSeq, message.seq);
      if (isOp(message)) {
        storeOp(conversation, message);
        notify(conversation.id);
        return true;
      }
      if (conversation.historyLoaded || isLatest) storeMessage(conversation, message);
      if (isLatest) {
        conversation.last_message = conversation.messages.get(message.seq);
        conversation.last_activity_at = Math.max(conversation.last_activity_at, message.created_at);
      }
      notify(conversation.id);
      return true;
    },
    // A page of history: ascending messages; hasMoreBefore only for pages fetched backwards;
    // pruned ({from, through}) when the page reached what the retention policy removed.
    addHistory(conversationId, messages, { hasMoreBefore, pruned } = {}) {
      const conversation = ensure(conversationId);
      for (const message of messages) {
        if (isOp(message)) storeOp(conversation, message);
        else storeMessage(conversation, message);
        conversation.oldestSeq = Math.min(conversation.oldestSeq, message.seq);
        conversation.last_seq = Math.max(conversation.last_seq, message.seq);
      }
      if (hasMoreBefore !== undefined) conversation.hasMoreBefore = hasMoreBefore;
      if (pruned) {
        conversation.pruned = pruned;
        conversation.hasMoreBefore = false;
      }
      if (conversation.oldestSeq <= 1) conversation.hasMoreBefore = false;
      conversation.historyLoaded = true;
      notify(conversationId);
    },
    applyReceipt({ conversation_id: id, user_id: userId, delivered_seq, read_seq }) {
      const conversation = ensure(id);
      const target = conversation.self.user_id === userId
        ? conversation.self
        : conversation.members.find((m) => m.user_id === userId);
      if (!target) conversation.members.push({ user_id: userId, delivered_seq, read_seq });
      else raiseCursors(target, { delivered_seq, read_seq });
      notify(id);
    },
    // This device's own cursors, raised locally when it sends delivered/read or an ack.
    raiseSelf(id, cursors) {
      const conversation = ensure(id);
      raiseCursors(conversation.self, cursors);
      notify(id);
    },
    // A group this device is no longer in (left, removed, deleted).
    remove(id) {
      conversations.delete(id);
      notify(null);
    },
    clear() {
      conversations.clear();
      syncToken = '';
      notify(null);
    },
  };
}
