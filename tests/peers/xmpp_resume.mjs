// An XMPP client for the stream management e2e test: @xmpp/client (xmpp.js) with its own
// XEP-0198 code (@xmpp/stream-management) and reconnect, logged in with SCRAM-SHA-256. Its
// socket can be destroyed on command; it reconnects and resumes by itself.
//   node xmpp_resume.mjs PORT DOMAIN USERNAME PASSWORD
// Out: {"event":"online","jid"} {"event":"resumed"} {"event":"error","message"}
//      {"event":"message","from","body","stanza_id"} {"event":"result","op","ok",...}
// In:  {"op":"wait_sm"}  until stream management is enabled with resume (result: id)
//      {"op":"drop"}     destroys the TCP socket, no </stream>
//      {"op":"seen"}     the stanza ids of every message received so far, in order
//      {"op":"send","to","body","id"}
import { client, xml } from "@xmpp/client";
import { say, serveCommands } from "./xmpp_commands.mjs";
import { ScramSha256 } from "./scram_sha_256.mjs";

const [port, domain, username, password] = process.argv.slice(2);

const xmpp = client({ service: `xmpp://127.0.0.1:${port}`, domain, username, password,
                      resource: "resume" });
xmpp.saslFactory.use(ScramSha256);
xmpp.reconnect.delay = 200;
const sm = xmpp.streamManagement;

const seen = [];
xmpp.on("error", (error) => say({ event: "error", message: String(error.condition ?? error) }));
sm.on("resumed", () => say({ event: "resumed" }));
xmpp.on("stanza", (stanza) => {
  if (!stanza.is("message") || stanza.getChildText("body") === null) return;
  const stanzaId = stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id ?? null;
  seen.push(stanzaId);
  say({ event: "message", from: stanza.attrs.from ?? null, body: stanza.getChildText("body"),
        stanza_id: stanzaId });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(command) {
  const { op } = command;
  try {
    if (op === "wait_sm") {
      for (let i = 0; i < 100 && !(sm.enabled && sm.id); ++i) await sleep(50);
      say({ event: "result", op, ok: Boolean(sm.enabled && sm.id), id: sm.id });
    } else if (op === "drop") {
      xmpp.socket.destroy();
      say({ event: "result", op, ok: true });
    } else if (op === "seen") {
      say({ event: "result", op, ok: true, stanza_ids: seen });
    } else if (op === "send") {
      await xmpp.send(xml("message", { to: command.to, type: "chat", id: command.id },
                          xml("body", {}, command.body)));
      say({ event: "result", op, ok: true });
    }
  } catch (error) {
    say({ event: "result", op, ok: false, message: String(error.condition ?? error) });
  }
}

await serveCommands(xmpp, run);
