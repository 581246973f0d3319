// A real OpenID provider on loopback for the tests (the npm oidc-provider package, a certified
// implementation), with one confidential client and a programmatic login.
//
//   node oidc_peer.mjs --redirect-uri URI --client-id ID --client-secret SECRET
//                      [--token-auth client_secret_basic|client_secret_post] [--alg RS256|ES256]
//                      [--tls-cert PEM --tls-key PEM]
//
// Listens on 127.0.0.1 on a free port; prints {"listening": PORT, "issuer": URL}. The issuer is
// http://127.0.0.1:PORT, or https:// with --tls-cert and --tls-key (a certificate for
// 127.0.0.1); its signing key has kid "k1".
//
// The login page: GET /interaction/UID shows a form, POST /interaction/UID (form field "user")
// signs that user in and consents (profile: name "<user> Example", preferred_username <user>).
//
// Test controls (GET, JSON answers):
//   /_test/next?tamper=MODE   the next token response's ID token is altered, once:
//       forged_signature  same claims and kid, signed with a key that is not published
//       unknown_kid       signed with an unpublished key under kid "k-unknown"
//       rotated_key       signed with the second key, kid "k2" (published after /_test/rotate)
//       expired           exp and iat an hour in the past, properly signed
//       wrong_audience    aud "another-client", properly signed
//       wrong_issuer      iss "https://evil.example", properly signed
//       alg_none          header {"alg": "none"}, no signature
//       hs256             signed HS256 with the client secret (algorithm confusion)
//       replay_previous   the previous ID token issued, untouched (its nonce is an old one)
//   /_test/rotate             the JWKS publishes "k2" beside "k1" from now on
// Prints {"jwks_fetch": N} for each JWKS request and {"tampered": MODE} when one was applied.
// Runs until its stdin closes or it is killed.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import * as jose from "jose";
import Provider from "oidc-provider";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const redirectUri = option("--redirect-uri");
const clientId = option("--client-id");
const clientSecret = option("--client-secret");
const tokenAuth = option("--token-auth", "client_secret_basic");
const alg = option("--alg", "RS256");
const tlsCert = option("--tls-cert");
const tlsKey = option("--tls-key");

const say = (object) => console.log(JSON.stringify(object));
const makeKey = async (kid) => {
  const pair = await jose.generateKeyPair(alg, { extractable: true });
  const privateJwk = { ...(await jose.exportJWK(pair.privateKey)), kid, alg, use: "sig" };
  const publicJwk = { ...(await jose.exportJWK(pair.publicKey)), kid, alg, use: "sig" };
  return { privateKey: pair.privateKey, privateJwk, publicJwk };
};
const k1 = await makeKey("k1");
const k2 = await makeKey("k2");
const unpublished = await makeKey("k1");

const server = tlsCert
  ? https.createServer({ cert: readFileSync(tlsCert), key: readFileSync(tlsKey) })
  : http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;
const issuer = `${tlsCert ? "https" : "http"}://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: tokenAuth,
      id_token_signed_response_alg: alg,
    },
  ],
  jwks: { keys: [k1.privateJwk] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, name: `${id} Example`, preferred_username: id }),
  }),
  claims: { openid: ["sub"], profile: ["name", "preferred_username"] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["oidc-peer-test-cookie-key"] },
});

for (const event of ["grant.error", "server_error", "authorization.error"]) {
  provider.on(event, (ctx, error) => say({ provider_error: `${error.message}: ${error.error_detail ?? ""}` }));
}

let nextTamper = "";
let rotated = false;
let previousToken = "";
let jwksFetches = 0;

const encode = (object) => jose.base64url.encode(JSON.stringify(object));
async function tamper(mode, token) {
  const claims = jose.decodeJwt(token);
  const now = Math.floor(Date.now() / 1000);
  const sign = (payload, key, kid, algorithm = alg) =>
    new jose.SignJWT(payload).setProtectedHeader({ alg: algorithm, kid }).sign(key);
  switch (mode) {
    case "forged_signature": return sign(claims, unpublished.privateKey, "k1");
    case "unknown_kid": return sign(claims, unpublished.privateKey, "k-unknown");
    case "rotated_key": return sign(claims, k2.privateKey, "k2");
    case "expired": return sign({ ...claims, exp: now - 3600, iat: now - 7200 }, k1.privateKey, "k1");
    case "wrong_audience": {
      const { azp, ...rest } = claims;
      return sign({ ...rest, aud: "another-client" }, k1.privateKey, "k1");
    }
    case "wrong_issuer": return sign({ ...claims, iss: "https://evil.example" }, k1.privateKey, "k1");
    case "alg_none": return `${encode({ alg: "none" })}.${encode(claims)}.`;
    case "hs256":
      return sign(claims, new TextEncoder().encode(clientSecret), "k1", "HS256");
    case "replay_previous": return previousToken;
    default: throw new Error(`unknown tamper mode ${mode}`);
  }
}

// Rewrites the ID token of one token response (the body oidc-provider ends it with).
function interceptToken(res) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    const body = chunk ? JSON.parse(chunk.toString()) : null;
    if (!body || !body.id_token) return end(chunk, ...rest);
    const issued = body.id_token;
    const mode = nextTamper;
    nextTamper = "";
    const altered = mode ? tamper(mode, issued) : Promise.resolve(issued);
    altered.then((token) => {
      if (!mode) previousToken = issued;
      else say({ tampered: mode });
      const out = JSON.stringify({ ...body, id_token: token });
      res.setHeader("Content-Length", Buffer.byteLength(out));
      end(out);
    });
    return res;
  };
}

const readForm = (req) =>
  new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => resolve(new URLSearchParams(text)));
  });

const callback = provider.callback();
server.on("request", async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === "/_test/next") {
      nextTamper = url.searchParams.get("tamper") ?? "";
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    if (url.pathname === "/_test/rotate") {
      rotated = true;
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    if (url.pathname === "/jwks") {
      say({ jwks_fetch: ++jwksFetches });
      if (rotated) {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ keys: [k1.publicJwk, k2.publicJwk] }));
        return;
      }
    }
    if (url.pathname.startsWith("/interaction/")) {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "GET") {
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(`<!doctype html><html lang="en"><title>Test provider</title><main>
<h1>Test provider</h1><form method="post" action="/interaction/${details.uid}">
<label>User <input name="user" value="alice"></label>
<button type="submit">Sign in at the test provider</button></form></main></html>`);
        return;
      }
      const user = (await readForm(req)).get("user") || "alice";
      const grant = new provider.Grant({ accountId: user, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req, res, { login: { accountId: user }, consent: { grantId } },
        { mergeWithLastSubmission: false });
      return;
    }
    if (url.pathname === "/token") interceptToken(res);
    callback(req, res);
  } catch (error) {
    say({ error: String(error) });
    res.statusCode = 500;
    res.end();
  }
});

say({ listening: port, issuer });
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
