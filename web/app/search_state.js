// search_state: the results of a message search (docs/protocol.md "Search"), page by page.
// Pure data, no I/O.
//
// Contract
// - start(q, conversationId) begins a new search and returns its token; add(token, page)
//   appends a page ({results, next}) only when token is still the current search (an answer to
//   an older query is dropped), fail(token, code) records an error the same way.
// - moreCursor() is the `before` of the next page, or null when the last page came (or nothing
//   was asked yet); results are kept in the order the server sent them (newest first), each
//   message once.
// - snippetParts(snippet) splits a snippet at its match markers U+E000 (start) and U+E001
//   (end) into [{text, match}] parts; unbalanced markers end or start a match where they are.
export const MATCH_START = '\ue000';
export const MATCH_END = '\ue001';

export function snippetParts(snippet) {
  const parts = [];
  let match = false;
  let text = '';
  for (const char of String(snippet ?? '')) {
    if (char === MATCH_START || char === MATCH_END) {
      if (text) parts.push({ text, match });
      text = '';
      match = char === MATCH_START;
    } else text += char;
  }
  if (text) parts.push({ text, match });
  return parts;
}

export function createSearchState() {
  let token = 0;
  let query = null;
  let results = [];
  let next = null;
  let error = null;
  let loading = false;
  const seen = new Set();

  return {
    start(q, conversationId = null) {
      token += 1;
      query = { q, conversationId };
      results = [];
      next = null;
      error = null;
      loading = true;
      seen.clear();
      return token;
    },
    add(forToken, page) {
      if (forToken !== token) return false;
      for (const result of page.results ?? []) {
        const key = `${result.message.conversation_id}:${result.message.seq}`;
        if (seen.has(key)) continue;
        seen.add(key);
        results.push(result);
      }
      next = page.next ?? null;
      loading = false;
      return true;
    },
    fail(forToken, code) {
      if (forToken !== token) return false;
      error = code;
      loading = false;
      return true;
    },
    // Marks the next page as asked for; returns its token, or null when there is none.
    more() {
      if (!next || loading) return null;
      loading = true;
      return token;
    },
    moreCursor: () => next,
    query: () => query,
    results: () => results,
    error: () => error,
    loading: () => loading,
  };
}
