// A real SMTP server on loopback for the tests (the npm smtp-server package), reading each mail
// with mailparser.
//
//   node smtp_peer.mjs --cert FILE --key FILE --user NAME --pass SECRET [--no-starttls]
//
// Listens on 127.0.0.1 on a free port and prints "listening PORT". STARTTLS is offered with the
// given certificate and required before AUTH (PLAIN or LOGIN), and AUTH is required before
// MAIL FROM; --no-starttls hides STARTTLS (a server, or a man in the middle, that strips it).
// Prints one JSON line per mail received: {"mail": {"from", "to", "subject", "text",
// "messageId", "secure", "user"}}, and "auth-failed USER" for a refused login. Runs until
// killed.
import { readFileSync } from "node:fs";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const noStartTls = args.includes("--no-starttls");
const user = option("--user");
const pass = option("--pass");

const server = new SMTPServer({
  key: readFileSync(option("--key")),
  cert: readFileSync(option("--cert")),
  secure: false,
  hideSTARTTLS: noStartTls,
  allowInsecureAuth: noStartTls,
  authMethods: ["PLAIN", "LOGIN"],
  authOptional: false,
  size: 1024 * 1024,
  logger: false,
  onAuth(auth, session, callback) {
    if (auth.username === user && auth.password === pass) {
      callback(null, { user: auth.username });
      return;
    }
    console.log(`auth-failed ${auth.username}`);
    callback(new Error("Invalid username or password"));
  },
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        console.log(
          JSON.stringify({
            mail: {
              from: session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject,
              text: parsed.text,
              messageId: parsed.messageId,
              secure: session.secure,
              user: session.user,
            },
          }),
        );
        callback();
      })
      .catch(callback);
  },
});
server.on("error", (error) => console.error(`smtp error: ${error.message}`));
server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.server.address().port}`);
});
