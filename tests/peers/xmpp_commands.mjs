// What the XMPP test peers share: `say` prints one JSON line for the test to read, and
// serveCommands runs the peer's command loop. It starts the client, printing
// {"event":"online","jid"} or {"event":"error","message"}; then each JSON command read from
// stdin, one per line, goes to `run` (commands read before the client was online wait for it;
// with `sequential`, each waits for the one before it to finish). The end of stdin stops the
// client and the process.
import { createInterface } from "node:readline";

export const say = (object) => process.stdout.write(JSON.stringify(object) + "\n");

export async function serveCommands(xmpp, run, { sequential = false } = {}) {
  let started;
  const ready = new Promise((resolve) => (started = resolve));
  let queue = ready;
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (!line.trim()) return;
    if (sequential) queue = queue.then(() => run(JSON.parse(line)));
    else ready.then(() => run(JSON.parse(line)));
  }).on("close", async () => {
    try {
      xmpp.reconnect.stop();
      await xmpp.stop();
    } finally {
      process.exit(0);
    }
  });
  try {
    const address = await xmpp.start();
    say({ event: "online", jid: address.toString() });
  } catch (error) {
    say({ event: "error", message: String(error.condition ?? error) });
  }
  started();
}
