// A loopback push service for parleyd's end-to-end tests: it plays a browser's Web Push service
// (RFC 8030) and a webhook receiver, and checks every request as the real ones do, with code
// no one in this project wrote:
// - Web Push: the body is decrypted with the subscription's private key by the `http_ece`
//   package (RFC 8291 aes128gcm); the VAPID Authorization header (RFC 8292) is verified with
//   node's crypto: an ES256 JWT signed by the key `k`, `aud` the endpoint's origin, `exp` in
//   the future and at most 24 h away, `sub` a mailto: or https: URL.
// - Webhook: X-Parley-Signature must be v1=hex(HMAC-SHA256(secret, timestamp + "." + body)),
//   and the timestamp within 5 minutes.
//
// Usage: node push_service.mjs [--tls CERT_PEM KEY_PEM]
// Prints one JSON line {"port", "p256dh", "auth"} (the subscription's public keys, base64url),
// then one JSON line per request: {"event": "webpush" | "webhook", "path", "status", ...}.
// Reads JSON lines on stdin: {"secret": "..."} sets the webhook secret. Exits when stdin ends.
//
// How each path answers: /push/ok and /hook 201; /push/gone 410; /push/flaky 429 the first
// time, then 201; /push/hold holds its first request open (never answers), then 201.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import readline from 'node:readline';
import ece from 'http_ece';

const subscriber = crypto.createECDH('prime256v1');
subscriber.generateKeys();
const authSecret = crypto.randomBytes(16);
let webhookSecret = '';
const seen = new Map();  // path -> requests so far
const held = [];

const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');

function verifyVapid(header, origin) {
  const match = /^vapid t=([A-Za-z0-9_.-]+), ?k=([A-Za-z0-9_-]+)$/.exec(header || '');
  if (!match) throw new Error('Authorization is not "vapid t=..., k=..."');
  const [, token, k] = match;
  const [head, claims, signature] = token.split('.');
  const header_json = JSON.parse(Buffer.from(head, 'base64url'));
  if (header_json.alg !== 'ES256' || header_json.typ !== 'JWT') throw new Error('JWT header');
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not a P-256 point');
  const key = crypto.createPublicKey({
    key: {kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'),
          y: raw.subarray(33).toString('base64url')},
    format: 'jwk'});
  const ok = crypto.verify('sha256', Buffer.from(head + '.' + claims), {key, dsaEncoding: 'ieee-p1363'},
                           Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('VAPID signature does not verify');
  const c = JSON.parse(Buffer.from(claims, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  if (c.aud !== origin) throw new Error(`aud ${c.aud} is not ${origin}`);
  if (!(c.exp > now && c.exp <= now + 24 * 3600)) throw new Error('exp out of range');
  if (!/^(mailto:|https:)/.test(c.sub || '')) throw new Error('sub is not mailto: or https:');
  return k;
}

function answer(res, path, status, extra = {}) {
  if (status === 429) res.setHeader('Retry-After', '0');
  res.writeHead(status).end();
  emit({...extra, path, status});
}

function handle(req, res, body, origin) {
  const path = req.url;
  const count = (seen.get(path) || 0) + 1;
  seen.set(path, count);
  if (path.startsWith('/hook')) {
    const timestamp = req.headers['x-parley-timestamp'];
    const expected = 'v1=' + crypto.createHmac('sha256', webhookSecret)
        .update(`${timestamp}.`).update(body).digest('hex');
    const signature = req.headers['x-parley-signature'] || '';
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
    const valid = signature.length === expected.length &&
        crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) && fresh;
    if (!valid) return answer(res, path, 401, {event: 'webhook', error: 'bad signature'});
    return answer(res, path, 201, {event: 'webhook', delivery: req.headers['x-parley-delivery'],
                                   payload: JSON.parse(body.toString('utf8'))});
  }
  let event;
  try {
    if (req.method !== 'POST') throw new Error('method ' + req.method);
    if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding');
    if (!/^\d+$/.test(req.headers['ttl'] || '')) throw new Error('TTL missing');
    const k = verifyVapid(req.headers['authorization'], origin);
    const plaintext = ece.decrypt(body, {version: 'aes128gcm', privateKey: subscriber,
                                         authSecret: authSecret.toString('base64url')});
    event = {event: 'webpush', vapid_k: k, topic: req.headers['topic'] || '',
             urgency: req.headers['urgency'] || '', bytes: body.length,
             payload: JSON.parse(plaintext.toString('utf8'))};
  } catch (error) {
    return answer(res, path, 400, {event: 'webpush', error: String(error.message || error)});
  }
  if (path === '/push/hold' && count === 1) {
    held.push(res);
    return emit({...event, path, status: 0});  // never answered
  }
  const status = path === '/push/gone' ? 410 : path === '/push/flaky' && count === 1 ? 429 : 201;
  answer(res, path, status, event);
}

const tls = process.argv.indexOf('--tls');
const options = tls > 0 ? {cert: fs.readFileSync(process.argv[tls + 1]),
                           key: fs.readFileSync(process.argv[tls + 2])} : null;
const onRequest = (req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= 65536) chunks.push(chunk);
  });
  req.on('end', () => handle(req, res, Buffer.concat(chunks), origin));
};
const server = options ? https.createServer(options, onRequest) : http.createServer(onRequest);
let origin = '';
server.listen(0, '127.0.0.1', () => {
  const {port} = server.address();
  origin = `${options ? 'https' : 'http'}://127.0.0.1:${port}`;
  emit({port, p256dh: subscriber.getPublicKey().toString('base64url'),
        auth: authSecret.toString('base64url')});
});

readline.createInterface({input: process.stdin}).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.secret !== undefined) webhookSecret = command.secret;
}).on('close', () => {
  for (const res of held) res.destroy();
  server.close();
  process.exit(0);
});
