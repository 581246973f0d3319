// An XMPP client for the e2e tests: @xmpp/client (xmpp.js), which no one here wrote, logged
// in to parleyd's XMPP port with SCRAM-SHA-256. One JSON object per line on stdout for what it
// sees, one command per line on stdin; it exits when stdin closes.
//   node xmpp_peer.mjs PORT DOMAIN USERNAME PASSWORD [RESOURCE]
// Out: {"event":"scram_vector_ok"} {"event":"online","jid"} {"event":"error","message"}
//      {"event":"message","from","type","id","body","stanza_id","error"}
//      {"event":"presence","from","type","show"} {"event":"result","op","ok",...}
// In:  {"op":"send","to","body","id"} {"op":"composing","to"} {"op":"roster"} {"op":"ping"}
//      {"op":"disco"} {"op":"presence","show"}
import { client, xml } from "@xmpp/client";
import { say, serveCommands } from "./xmpp_commands.mjs";
import { ScramSha256, checkRfc7677 } from "./scram_sha_256.mjs";

const [port, domain, username, password, resource] = process.argv.slice(2);

if (!checkRfc7677()) {
  say({ event: "error", message: "SCRAM-SHA-256 client fails RFC 7677's vector" });
  process.exit(1);
}
say({ event: "scram_vector_ok" });

const xmpp = client({ service: `xmpp://127.0.0.1:${port}`, domain, username, password, resource });
xmpp.saslFactory.use(ScramSha256);
xmpp.reconnect.stop();

xmpp.on("error", (error) => say({ event: "error", message: String(error.condition ?? error) }));
xmpp.on("offline", () => say({ event: "offline" }));
xmpp.on("stanza", (stanza) => {
  if (stanza.is("message")) {
    const error = stanza.getChild("error");
    say({
      event: "message",
      from: stanza.attrs.from ?? null,
      type: stanza.attrs.type ?? null,
      id: stanza.attrs.id ?? null,
      body: stanza.getChildText("body"),
      stanza_id: stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id ?? null,
      composing: stanza.getChild("composing", "http://jabber.org/protocol/chatstates") != null,
      error: error ? error.children[0]?.name ?? "unknown" : null,
    });
  } else if (stanza.is("presence")) {
    say({
      event: "presence",
      from: stanza.attrs.from ?? null,
      type: stanza.attrs.type ?? null,
      show: stanza.getChildText("show"),
    });
  } else if (stanza.is("iq") && stanza.attrs.type === "set") {
    const item = stanza.getChild("query", "jabber:iq:roster")?.getChild("item");
    if (item) say({ event: "roster_push", jid: item.attrs.jid, subscription: item.attrs.subscription });
  }
});

async function run(command) {
  const { op } = command;
  try {
    if (op === "send") {
      await xmpp.send(xml("message", { to: command.to, type: "chat", id: command.id },
                          xml("body", {}, command.body)));
      say({ event: "result", op, ok: true });
    } else if (op === "composing") {
      await xmpp.send(xml("message", { to: command.to, type: "chat" },
                          xml("composing", "http://jabber.org/protocol/chatstates")));
      say({ event: "result", op, ok: true });
    } else if (op === "roster") {
      const query = await xmpp.iqCaller.get(xml("query", "jabber:iq:roster"));
      const items = query.getChildren("item").map((i) => ({ ...i.attrs }));
      say({ event: "result", op, ok: true, items });
    } else if (op === "ping") {
      await xmpp.iqCaller.get(xml("ping", "urn:xmpp:ping"), domain);
      say({ event: "result", op, ok: true });
    } else if (op === "disco") {
      const query = await xmpp.iqCaller.get(
        xml("query", "http://jabber.org/protocol/disco#info"), domain);
      const features = query.getChildren("feature").map((f) => f.attrs.var);
      say({ event: "result", op, ok: true, features });
    } else if (op === "presence") {
      await xmpp.send(command.show ? xml("presence", {}, xml("show", {}, command.show))
                                   : xml("presence"));
      say({ event: "result", op, ok: true });
    }
  } catch (error) {
    say({ event: "result", op, ok: false, message: String(error.condition ?? error) });
  }
}

await serveCommands(xmpp, run);
