// SCRAM-SHA-256 (RFC 5802, RFC 7677), the client side, as a mechanism for the saslmechanisms
// factory @xmpp/client uses: @xmpp/client 0.14 ships SCRAM-SHA-1 only. Written against the
// RFCs with node:crypto and checked at load against RFC 7677's test vector (checkRfc7677), so
// that a wrong client cannot agree with a wrong server.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

function saslname(name) {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function parse(message) {
  const out = {};
  for (const part of message.split(",")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}

export class ScramSha256 {
  constructor(options = {}) {
    this._nonce = options.nonce ?? randomBytes(18).toString("base64");
    this._stage = "first";
  }

  response(cred) {
    if (this._stage === "first") {
      this._gs2 = "n,,";
      this._first = `n=${saslname(cred.username ?? "")},r=${this._nonce}`;
      this._stage = "final";
      return this._gs2 + this._first;
    }
    if (this._stage === "final") {
      const s = parse(this._challenge);
      if (!s.r?.startsWith(this._nonce)) throw new Error("SCRAM: the server changed our nonce");
      const salted = pbkdf2Sync(cred.password ?? "", Buffer.from(s.s, "base64"),
                                Number(s.i), 32, "sha256");
      const clientKey = createHmac("sha256", salted).update("Client Key").digest();
      const storedKey = createHash("sha256").update(clientKey).digest();
      const withoutProof = `c=${Buffer.from(this._gs2).toString("base64")},r=${s.r}`;
      const authMessage = `${this._first},${this._challenge},${withoutProof}`;
      const signature = createHmac("sha256", storedKey).update(authMessage).digest();
      const proof = Buffer.alloc(32);
      for (let i = 0; i < 32; i++) proof[i] = clientKey[i] ^ signature[i];
      const serverKey = createHmac("sha256", salted).update("Server Key").digest();
      this.serverSignature =
        createHmac("sha256", serverKey).update(authMessage).digest("base64");
      this._stage = "done";
      return `${withoutProof},p=${proof.toString("base64")}`;
    }
    return "";
  }

  challenge(text) {
    this._challenge = text;
    return this;
  }
}
ScramSha256.prototype.name = "SCRAM-SHA-256";
ScramSha256.prototype.clientFirst = true;
ScramSha256.Mechanism = ScramSha256;

// RFC 7677 section 3: user "user", password "pencil".
export function checkRfc7677() {
  const mech = new ScramSha256({ nonce: "rOprNGfwEbeRWgbNEkqO" });
  const cred = { username: "user", password: "pencil" };
  const first = mech.response(cred);
  mech.challenge(
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  const final = mech.response(cred);
  return first === "n,,n=user,r=rOprNGfwEbeRWgbNEkqO" &&
    final === "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=" &&
    mech.serverSignature === "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
}
