// An XMPP client for the history e2e tests (tests/e2e/xmpp_history_test.cc): @xmpp/client
// (xmpp.js), which no one here wrote, logged in with SCRAM-SHA-256; it queries the archive
// (XEP-0313), enables carbons (XEP-0280) and keeps its stream-management plugin (XEP-0198) as it comes. One JSON object
// per line on stdout, one command per line on stdin; it exits when stdin closes.
//   node xmpp_history.mjs PORT DOMAIN USERNAME PASSWORD [RESOURCE]
// Out: {"event":"online","jid"} {"event":"error","message"} {"event":"offline"}
//      {"event":"message","from","id","body","stanza_id"}
//      {"event":"carbon","from","to","original_from","id","body"} (XEP-0280 sent)
//      {"event":"result","op","tag","ok",...} (the command's tag echoed): for mam "results" [{id,queryid,stamp,from,to,msgid,
//      body,retracted}], "complete", "first", "last"; when not ok "condition", "text"
// In:  {"op":"send","to","body","id"} {"op":"presence"} {"op":"ping"} {"op":"disco"}
//      {"op":"carbons","enable":bool,"element"?,"get"?} (element, get: to send what is wrong)
//      {"op":"mam","queryid"?,"fields":{var:value},"rsm":{max?,before?,after?},"extra"?}
import { client, xml } from "@xmpp/client";
import { say, serveCommands } from "./xmpp_commands.mjs";
import { ScramSha256 } from "./scram_sha_256.mjs";

const MAM = "urn:xmpp:mam:2";
const RSM = "http://jabber.org/protocol/rsm";
const CARBONS = "urn:xmpp:carbons:2";
const [port, domain, username, password, resource] = process.argv.slice(2);

const xmpp = client({ service: `xmpp://127.0.0.1:${port}`, domain, username, password, resource });
xmpp.saslFactory.use(ScramSha256);
xmpp.reconnect.stop();

const collecting = new Map();  // queryid -> the results that arrived for it
xmpp.on("error", (error) => say({ event: "error", message: String(error.condition ?? error) }));
xmpp.on("offline", () => say({ event: "offline" }));
xmpp.on("stanza", (stanza) => {
  if (!stanza.is("message")) return;
  const sent = stanza.getChild("sent", CARBONS);
  if (sent) {
    const original = sent.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message");
    say({ event: "carbon", from: stanza.attrs.from ?? null, to: original?.attrs.to ?? null,
          original_from: original?.attrs.from ?? null, id: original?.attrs.id ?? null,
          body: original?.getChildText("body") ?? null });
    return;
  }
  const result = stanza.getChild("result", MAM);
  if (result) {
    const forwarded = result.getChild("forwarded", "urn:xmpp:forward:0");
    const original = forwarded?.getChild("message");
    (collecting.get(result.attrs.queryid ?? "") ?? []).push({
      id: result.attrs.id,
      queryid: result.attrs.queryid ?? null,
      outer_from: stanza.attrs.from ?? null,
      stamp: forwarded?.getChild("delay", "urn:xmpp:delay")?.attrs.stamp ?? null,
      from: original?.attrs.from ?? null,
      to: original?.attrs.to ?? null,
      msgid: original?.attrs.id ?? null,
      body: original?.getChildText("body") ?? null,
      retracted: original?.getChild("retracted", "urn:xmpp:message-retract:1") != null,
    });
    return;
  }
  say({
    event: "message",
    from: stanza.attrs.from ?? null,
    id: stanza.attrs.id ?? null,
    body: stanza.getChildText("body"),
    stanza_id: stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id ?? null,
  });
});

let queries = 0;
async function mam(command) {
  const queryid = command.queryid ?? `q${++queries}`;
  const results = [];
  collecting.set(queryid, results);
  const fields = [xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, MAM))];
  for (const [name, value] of Object.entries(command.fields ?? {})) {
    fields.push(xml("field", { var: name }, xml("value", {}, value)));
  }
  const children = [xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...fields)];
  if (command.rsm) {
    children.push(xml("set", { xmlns: RSM },
      ...Object.entries(command.rsm).map(([name, value]) => xml(name, {}, String(value)))));
  }
  if (command.extra) children.push(xml(command.extra, { xmlns: MAM }));
  try {
    // The answer's child is <fin/>, not the <query/> asked: the whole iq is read.
    const answer = await xmpp.iqCaller.request(
      xml("iq", { type: "set" }, xml("query", { xmlns: MAM, queryid }, ...children)));
    const fin = answer.getChild("fin", MAM);
    const set = fin.getChild("set", RSM);
    return { ok: true, results, complete: fin.attrs.complete === "true",
             first: set?.getChildText("first") ?? null, last: set?.getChildText("last") ?? null };
  } finally {
    collecting.delete(queryid);
  }
}

async function run(command) {
  const { op, tag } = command;
  const result = (fields) => say({ event: "result", op, tag, ...fields });
  try {
    if (op === "send") {
      await xmpp.send(xml("message", { to: command.to, type: "chat", id: command.id },
                          xml("body", {}, command.body)));
      result({ ok: true });
    } else if (op === "presence") {
      await xmpp.send(xml("presence"));
      result({ ok: true });
    } else if (op === "ping") {
      await xmpp.iqCaller.get(xml("ping", "urn:xmpp:ping"), domain);
      result({ ok: true });
    } else if (op === "disco") {
      const query = await xmpp.iqCaller.get(
        xml("query", "http://jabber.org/protocol/disco#info"), domain);
      result({ ok: true, features: query.getChildren("feature").map((f) => f.attrs.var) });
    } else if (op === "mam") {
      result(await mam(command));
    } else if (op === "carbons") {
      const element = xml(command.element ?? (command.enable ? "enable" : "disable"), CARBONS);
      await (command.get ? xmpp.iqCaller.get(element) : xmpp.iqCaller.set(element));
      result({ ok: true });
    }
  } catch (error) {
    result({ ok: false, condition: String(error.condition ?? error), text: error.text ?? null });
  }
}

await serveCommands(xmpp, run, { sequential: true });
