// drafts: what the person typed in a chat and has not sent, per conversation, kept in
// localStorage (one key per user) so switching chats or reloading loses nothing. A draft is
// keyed by draftKey(target): the conversation's id, or `to:<user id>` for a chat not created
// yet. set(key, text) stores it (blank text removes it); get(key) returns '' when there is none;
// clear() forgets every draft (logging out). No listeners: the list reads drafts when it
// renders, which it does whenever the open chat changes.
const PREFIX = 'parley.drafts.';

export const draftKey = ({ conversationId, to }) => (conversationId ? String(conversationId) : `to:${to}`);

export function createDrafts(userId) {
  const storageKey = PREFIX + userId;

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(storageKey));
      return stored && typeof stored === 'object' ? stored : {};
    } catch {
      return {};
    }
  }

  return {
    get: (key) => load()[key] ?? '',
    set(key, text) {
      const drafts = load();
      if (text.trim()) drafts[key] = text;
      else delete drafts[key];
      localStorage.setItem(storageKey, JSON.stringify(drafts));
    },
    clear: () => localStorage.removeItem(storageKey),
  };
}
