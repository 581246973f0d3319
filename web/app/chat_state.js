// chat_state: what this device knows about its conversations. Pure data, no I/O.
//
// Contract
// - A conversation is {id, kind, last_seq, last_activity_at, last_message, self, members,
//   messages: Map seq -> message, oldestSeq, hasMoreBefore, historyLoaded}; groups also carry
//   name, topic, member_count, role (mine) and read_by from the list and `synced`.
// - Messages are deduplicated by (conversation_id, seq): applying one twice changes nothing
//   and addMessage() returns false the second time.
// - Cursors only move forward (as on the server).
// - subscribe(listener) is told listener(conversationId | null) after every change (null: the
//   whole list changed). cursors() is what `hello` sends: the highest seq known per
//   conversation.
const GROUP_FIELDS = ['name', 'topic', 'member_count', 'role', 'read_by'];

export function createChatState() {
  const conversations = new Map();
  const listeners = new Set();

  function notify(conversationId = null) {
    for (const listener of listeners) listener(conversationId);
  }

  function ensure(id) {
    let conversation = conversations.get(id);
    if (!conversation) {
      conversation = {
        id, kind: 'direct', last_seq: 0, last_activity_at: 0, last_message: null,
        self: { delivered_seq: 0, read_seq: 0 }, members: [],
        messages: new Map(), oldestSeq: Infinity, hasMoreBefore: true, historyLoaded: false,
        known: false,
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
    for (const member of summary.members ?? []) {
      const existing = conversation.members.find((m) => m.user_id === member.user_id);
      if (existing) raiseCursors(existing, member);
      else conversation.members.push({ ...member });
    }
    return conversation;
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
    findDirectWith(userId) {
      return [...conversations.values()].find(
        (c) => c.kind === 'direct' && c.members.some((m) => m.user_id === userId));
    },
    // The HTTP list or a `synced` entry: summaries of conversations.
    applySummaries(summaries) {
      for (const summary of summaries) applySummary(summary);
      notify(null);
    },
    // Returns true when the message was new to this device.
    addMessage(message) {
      const conversation = ensure(message.conversation_id);
      if (conversation.messages.has(message.seq)) return false;
      const isLatest = message.seq >= conversation.last_seq;
      conversation.last_seq = Math.max(conversation.last_seq, message.seq);
      if (conversation.historyLoaded || isLatest) conversation.messages.set(message.seq, message);
      conversation.oldestSeq = Math.min(conversation.oldestSeq, message.seq);
      if (isLatest) {
        conversation.last_message = message;
        conversation.last_activity_at = Math.max(conversation.last_activity_at, message.created_at);
      }
      notify(conversation.id);
      return true;
    },
    // A page of history: ascending messages; hasMoreBefore only for pages fetched backwards.
    addHistory(conversationId, messages, { hasMoreBefore } = {}) {
      const conversation = ensure(conversationId);
      for (const message of messages) {
        conversation.messages.set(message.seq, message);
        conversation.oldestSeq = Math.min(conversation.oldestSeq, message.seq);
        conversation.last_seq = Math.max(conversation.last_seq, message.seq);
      }
      if (hasMoreBefore !== undefined) conversation.hasMoreBefore = hasMoreBefore;
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
      notify(null);
    },
  };
}
