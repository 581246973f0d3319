// outbox: what the person sent that the server has not acknowledged yet, persisted in
// localStorage (one key per user) so it survives reloads and crashes.
//
// Contract
// - An entry is a message {id, conversation_id | to, text, media?, reply_to?, created_at,
//   failed?} (media: the uploaded media object; reply_to: the quote) or an operation {id, op:
//   'edit' | 'delete' | 'react', conversation_id, seq, text? | emoji?, on?, created_at}; `id`
//   is the client message id, the server's idempotency key: resending an entry can never
//   store it twice (the server answers `duplicate: true`).
// - add() appends; remove(id) drops an acknowledged entry; markFailed(id, code) keeps it
//   visible but stops resending it, until retry(id) makes it pending again (same id).
//   pending() lists what to (re)send, oldest first.
// - subscribe(listener) is told after every change.
const PREFIX = 'parley.outbox.';

export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function createOutbox(userId) {
  const key = PREFIX + userId;
  const listeners = new Set();
  let entries = load();

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(key));
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  function save() {
    localStorage.setItem(key, JSON.stringify(entries));
    for (const listener of listeners) listener();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    add(entry) {
      entries.push(entry);
      save();
    },
    get: (id) => entries.find((e) => e.id === id),
    remove(id) {
      const before = entries.length;
      entries = entries.filter((e) => e.id !== id);
      if (entries.length !== before) save();
    },
    markFailed(id, code) {
      const entry = entries.find((e) => e.id === id);
      if (!entry) return;
      entry.failed = code;
      save();
    },
    retry(id) {
      const entry = entries.find((e) => e.id === id);
      if (!entry?.failed) return;
      delete entry.failed;
      save();
    },
    pending: () => entries.filter((e) => !e.failed),
    // The messages (not operations) waiting, for a conversation or a draft chat.
    forConversation: (conversationId) => entries.filter((e) => e.conversation_id === conversationId && !e.op),
    forRecipient: (userId) => entries.filter((e) => e.to === userId),
  };
}
