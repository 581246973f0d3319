// An XMPP client for the social e2e tests (tests/e2e/xmpp_social_test.cc): @xmpp/client
// (xmpp.js) logged in with SCRAM-SHA-256, writing stanzas the test composes and reporting every
// stanza it receives, whole, so the test can check what no helper here interpreted.
//   node xmpp_social.mjs PORT DOMAIN USERNAME PASSWORD RESOURCE
// Out: {"event":"online","jid"} {"event":"error","message"}
//      {"event":"stanza","n","xml"}   every stanza received, n counting from 1
//      {"event":"result","op":"raw","ok"}
// In:  {"op":"raw","xml"}             written to the stream as it is
import { client } from "@xmpp/client";
import { say, serveCommands } from "./xmpp_commands.mjs";
import { ScramSha256 } from "./scram_sha_256.mjs";

const [port, domain, username, password, resource] = process.argv.slice(2);

const xmpp = client({ service: `xmpp://127.0.0.1:${port}`, domain, username, password, resource });
xmpp.saslFactory.use(ScramSha256);
xmpp.reconnect.stop();

let received = 0;
xmpp.on("error", (error) => say({ event: "error", message: String(error.condition ?? error) }));
xmpp.on("stanza", (stanza) => say({ event: "stanza", n: ++received, xml: stanza.toString() }));

async function run(command) {
  try {
    await xmpp.write(command.xml);
    say({ event: "result", op: command.op, ok: true });
  } catch (error) {
    say({ event: "result", op: command.op, ok: false, message: String(error) });
  }
}

await serveCommands(xmpp, run);
