// backoff: reconnect delays, exponential with full jitter: attempt n waits a random time in
// [0, min(maxMs, baseMs * 2^n)], so many clients dropped together do not return together.
// It starts fast (the first retry within 250 ms) and never waits more than 8 s, so a person
// is back within seconds of the server.
export function createBackoff({ baseMs = 250, maxMs = 8000, random = Math.random } = {}) {
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
      attempt += 1;
      return Math.round(ceiling * random());
    },
    reset() {
      attempt = 0;
    },
  };
}
