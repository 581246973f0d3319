// backoff: reconnect delays, exponential with full jitter: attempt n waits a random time in
// [0, min(maxMs, baseMs * 2^n)], so many clients dropped together do not return together.
export function createBackoff({ baseMs = 500, maxMs = 30000, random = Math.random } = {}) {
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
