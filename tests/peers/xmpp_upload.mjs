// An XMPP client sharing files the way XMPP clients do (XEP-0363 HTTP File Upload, XEP-0066
// out-of-band URLs), for the e2e tests: @xmpp/client (xmpp.js), which no one here wrote, logged
// in with SCRAM-SHA-256; the upload service is found by disco as clients find it, the file is
// PUT and fetched with Node's own fetch.
//   node xmpp_upload.mjs PORT DOMAIN USERNAME PASSWORD
// Out: {"event":"online","jid"} {"event":"error","message"}
//      {"event":"message","from","body","oob_url"}
//      {"event":"result","op","ok",...}
// In:  {"op":"share","to","filename","content_type","base64"}: disco, slot, PUT, then a chat
//        message whose body and oob url are the GET URL; the result has service, max_file_size,
//        put_status and get_url.
//      {"op":"fetch","url"}: GET without credentials; the result has status, content_type,
//        size and base64.
import { client, xml } from "@xmpp/client";
import { say, serveCommands } from "./xmpp_commands.mjs";
import { ScramSha256 } from "./scram_sha_256.mjs";

const UPLOAD = "urn:xmpp:http:upload:0";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const OOB = "jabber:x:oob";

const [port, domain, username, password] = process.argv.slice(2);
const xmpp = client({ service: `xmpp://127.0.0.1:${port}`, domain, username, password,
                      resource: "uploader" });
xmpp.saslFactory.use(ScramSha256);
xmpp.reconnect.stop();

xmpp.on("error", (error) => say({ event: "error", message: String(error.condition ?? error) }));
xmpp.on("stanza", (stanza) => {
  if (!stanza.is("message") || stanza.attrs.type === "error") return;
  const body = stanza.getChildText("body");
  if (body === null) return;
  say({
    event: "message",
    from: stanza.attrs.from ?? null,
    body,
    oob_url: stanza.getChild("x", OOB)?.getChildText("url") ?? null,
  });
});

// The first item of the server's disco#items whose disco#info has the upload feature, and the
// max-file-size of its form (XEP-0363 section 3).
async function findUploadService() {
  const items = await xmpp.iqCaller.get(xml("query", DISCO_ITEMS), domain);
  for (const item of items.getChildren("item")) {
    const info = await xmpp.iqCaller.get(xml("query", DISCO_INFO), item.attrs.jid);
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    if (!features.includes(UPLOAD)) continue;
    const field = info.getChild("x", "jabber:x:data")?.getChildren("field")
      .find((f) => f.attrs.var === "max-file-size");
    return { jid: item.attrs.jid, maxFileSize: Number(field?.getChildText("value")) };
  }
  throw new Error("no upload service");
}

async function share(command) {
  const service = await findUploadService();
  const bytes = Buffer.from(command.base64, "base64");
  const answer = await xmpp.iqCaller.request(
    xml("iq", { type: "get", to: service.jid },
        xml("request", { xmlns: UPLOAD, filename: command.filename, size: String(bytes.length),
                         "content-type": command.content_type })));
  const slot = answer.getChild("slot", UPLOAD);
  const putUrl = slot.getChild("put").attrs.url;
  const getUrl = slot.getChild("get").attrs.url;
  const put = await fetch(putUrl, { method: "PUT", body: bytes,
                                    headers: { "Content-Type": command.content_type } });
  await xmpp.send(xml("message", { to: command.to, type: "chat", id: `share-${Date.now()}` },
                      xml("body", {}, getUrl), xml("x", { xmlns: OOB }, xml("url", {}, getUrl))));
  return { service: service.jid, max_file_size: service.maxFileSize, put_status: put.status,
           get_url: getUrl };
}

async function fetchUrl(command) {
  const response = await fetch(command.url);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, content_type: response.headers.get("content-type"),
           size: bytes.length, base64: bytes.toString("base64") };
}

async function run(command) {
  const { op } = command;
  try {
    if (op === "share") say({ event: "result", op, ok: true, ...(await share(command)) });
    else if (op === "fetch") say({ event: "result", op, ok: true, ...(await fetchUrl(command)) });
  } catch (error) {
    say({ event: "result", op, ok: false, message: String(error.condition ?? error) });
  }
}

await serveCommands(xmpp, run);
