// typing_state: who is typing where, from `typing` frames. add(conversationId, userId) shows
// the user as typing for SHOW_MS; clear() drops them at once (their message arrived).
// typers(conversationId) lists user ids; subscribe(listener) is told listener(conversationId).
const SHOW_MS = 4000;

export function createTypingState() {
  const timers = new Map(); // "conversation:user" -> timeout
  const listeners = new Set();
  const notify = (id) => { for (const listener of listeners) listener(id); };

  function clear(conversationId, userId) {
    const key = `${conversationId}:${userId}`;
    if (!timers.has(key)) return;
    clearTimeout(timers.get(key));
    timers.delete(key);
    notify(conversationId);
  }

  return {
    add(conversationId, userId) {
      const key = `${conversationId}:${userId}`;
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => clear(conversationId, userId), SHOW_MS));
      notify(conversationId);
    },
    clear,
    typers: (conversationId) => [...timers.keys()]
      .filter((key) => key.startsWith(`${conversationId}:`)).map((key) => Number(key.split(':')[1])),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
