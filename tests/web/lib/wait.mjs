// wait: condition polling for tests. eventually(check, what) re-runs check() until it returns
// without throwing (and returns its value), or fails with the last error after `timeoutMs` (a
// bound on a hung test, never a performance threshold). Always waits on a condition, never on
// a fixed delay.
export async function eventually(check, what, { timeoutMs = 20000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\nlast error: ${lastError?.message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
