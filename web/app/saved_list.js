// saved_list: the conversation list as this device last knew it, kept in localStorage (one key
// per user), so a reload without the server (the offline shell, web/sw.js) still shows it.
// createSavedList(userId, state) puts the saved summaries into chat_state at once (restore()),
// then saves the list whenever chat_state changes, at most every SAVE_EVERY_MS; stop() ends
// that, clear() forgets the saved list (logging out). What is kept is what the list shows:
// the summaries (titles, members and cursors, last message, unread count), never a chat's
// history. The sync token (chat_state syncToken()) is saved in the same value, so a restored
// list and its token always belong together. A corrupt or foreign value reads as no saved list
// (and no token); a list saved before tokens (a bare array) as a list without one.
const PREFIX = 'parley.list.';
const SAVE_EVERY_MS = 1000;
const SUMMARY_FIELDS = ['id', 'kind', 'name', 'topic', 'member_count', 'role', 'read_by', 'last_seq', 'last_activity_at',
  'last_message', 'self', 'members'];

// The summary of a chat_state conversation, as the server's list gives it.
export function summaryOf(conversation, unread) {
  const summary = {};
  for (const field of SUMMARY_FIELDS) if (conversation[field] !== undefined) summary[field] = conversation[field];
  summary.unread = unread;
  return summary;
}

// The summaries in a stored value; [] for anything else.
export function parseSaved(text) {
  return parseSavedList(text).summaries;
}

// {summaries, since} of a stored value ({conversations, since}, or a bare array of summaries);
// {[], ''} for anything else.
export function parseSavedList(text) {
  try {
    const saved = JSON.parse(text);
    const list = Array.isArray(saved) ? saved : saved?.conversations;
    if (!Array.isArray(list)) return { summaries: [], since: '' };
    const summaries = list.filter((summary) => summary && typeof summary === 'object' && Number.isSafeInteger(summary.id) && summary.id > 0);
    const since = !Array.isArray(saved) && typeof saved.since === 'string' && summaries.length ? saved.since : '';
    return { summaries, since };
  } catch {
    return { summaries: [], since: '' };
  }
}

export function createSavedList(userId, state) {
  const key = PREFIX + userId;
  let timer = null;

  function save() {
    timer = null;
    const summaries = state.sorted().map((conversation) => summaryOf(conversation, state.unread(conversation)));
    try {
      localStorage.setItem(key, JSON.stringify({ since: state.syncToken(), conversations: summaries }));
    } catch { /* storage full: the list is just not saved */ }
  }

  const unsubscribe = state.subscribe(() => { timer ??= setTimeout(save, SAVE_EVERY_MS); });
  return {
    restore() {
      const { summaries, since } = parseSavedList(localStorage.getItem(key));
      if (summaries.length) state.applySummaries(summaries);
      state.setSyncToken(since);
    },
    stop() {
      unsubscribe();
      clearTimeout(timer);
      timer = null;
    },
    clear() {
      localStorage.removeItem(key);
    },
  };
}
