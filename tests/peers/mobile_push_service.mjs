// A loopback FCM and APNs for parleyd's end-to-end tests, checking every request as the real
// services document it, with node's own TLS, HTTP/2 and crypto:
// - OAuth2 token endpoint (POST /token, JWT bearer grant, RFC 7523): the assertion must be an
//   RS256 JWT that verifies with the service account's public key, with iss the client_email,
//   scope firebase.messaging, aud the token_uri, iat now (±60 s) and exp - iat <= 3600. Answers
//   {"access_token", "expires_in", "token_type": "Bearer"}.
// - FCM HTTP v1 (POST /v1/projects/test-project/messages:send, HTTPS): the bearer token must be
//   one this peer issued and not expired (else 401); the body must be {"message": {"token",
//   "notification": {"title", "body"}, "data": {string values}, "android": {"collapse_key",
//   "priority": "HIGH", "ttl": "<n>s"}}} (else 400).
// - APNs (POST /3/device/<token>, HTTP/2 only, TLS): the authorization must be "bearer" and an
//   ES256 JWT with kid the key id that verifies with the .p8 key's public key, iss the team id,
//   iat within the last hour; apns-topic, apns-push-type, apns-priority, apns-collapse-id
//   (<= 64 bytes) and apns-expiration must be as documented; the body {"aps": {"alert":
//   {"title", "body"}}}. Else 403 (token) or 400 (request), with {"reason"} as APNs gives it.
//
// Usage: node mobile_push_service.mjs --dir DIR --tls CERT_PEM KEY_PEM
// Writes DIR/service_account.json and DIR/apns_key.p8 (fresh keys), then prints one JSON line
// {"fcm_port", "apns_port", "service_account", "apns_key", "key_id", "team_id", "topic"}, then one
// JSON line per request: {"event": "token" | "fcm" | "apns", "status", ...}.
// Stdin JSON lines: {"token_lifetime": s} for tokens issued from then on; {"revoke": true}
// refuses every token issued so far; {"down": true|false} answers 503 to FCM and APNs while down.
//
// Scripted answers. FCM, by the registration token's prefix: "unregistered" 404 UNREGISTERED;
// "flaky" 503 the first time; "throttled" 429 the first time (Retry-After: 0); else 200.
// APNs, by the device token's first two hex digits: 02 410 Unregistered; 03 400 BadDeviceToken;
// 04 503 the first time; 05 429 TooManyRequests the first time; 06 403 ExpiredProviderToken the
// first time (the retry must carry a different token); else 200.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';

const arg = (name, n = 1) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv.slice(at + 1, at + 1 + n) : [];
};
const [dir] = arg('--dir');
const [certFile, keyFile] = arg('--tls', 2);
const tls = {cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile)};

const PROJECT = 'test-project';
const CLIENT_EMAIL = 'parley@test-project.iam.gserviceaccount.com';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const KEY_ID = 'ABC123DEFG';
const TEAM_ID = 'TEAM123456';
const TOPIC = 'org.parley.app';

const rsa = crypto.generateKeyPairSync('rsa', {modulusLength: 2048});
const ec = crypto.generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
const issued = new Map();  // access token -> expiry (ms)
let tokenLifetime = 3600;
let down = false;
const seen = new Map();  // scripted token -> requests so far
const lastApnsJwt = new Map();  // device token -> the provider token of its last request

const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const nowS = () => Math.floor(Date.now() / 1000);
const countOf = (key) => {
  const n = (seen.get(key) || 0) + 1;
  seen.set(key, n);
  return n;
};

// Verifies a compact JWS; returns {header, claims} or throws.
function verifyJwt(token, alg, publicKey) {
  const parts = (token || '').split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  if (header.alg !== alg) throw new Error(`alg ${header.alg} is not ${alg}`);
  const data = Buffer.from(parts[0] + '.' + parts[1]);
  const signature = Buffer.from(parts[2], 'base64url');
  const ok = alg === 'RS256'
      ? crypto.verify('sha256', data, publicKey, signature)
      : crypto.verify('sha256', data, {key: publicKey, dsaEncoding: 'ieee-p1363'}, signature);
  if (!ok) throw new Error('signature does not verify');
  return {header, claims};
}

function readBody(stream) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    stream.on('data', (c) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function reply(res, status, body, headers = {}) {
  res.writeHead(status, {'content-type': 'application/json', ...headers});
  res.end(body === undefined ? '' : JSON.stringify(body));
}

// --- OAuth2 token endpoint and FCM HTTP v1 ---
let tokenUri = '';
async function onFcmServer(req, res) {
  const body = await readBody(req);
  if (req.method === 'POST' && req.url === '/token') {
    try {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        throw new Error('grant_type');
      }
      const {header, claims} = verifyJwt(form.get('assertion'), 'RS256', rsa.publicKey);
      if (header.typ !== 'JWT') throw new Error('typ');
      if (claims.iss !== CLIENT_EMAIL) throw new Error('iss');
      if (claims.scope !== SCOPE) throw new Error('scope');
      if (claims.aud !== tokenUri) throw new Error('aud');
      if (Math.abs(claims.iat - nowS()) > 60) throw new Error('iat');
      if (!(claims.exp > nowS() && claims.exp - claims.iat <= 3600)) throw new Error('exp');
    } catch (error) {
      emit({event: 'token', status: 400, error: String(error.message)});
      return reply(res, 400, {error: 'invalid_grant', error_description: String(error.message)});
    }
    const token = 'ya29.' + crypto.randomBytes(24).toString('base64url');
    issued.set(token, Date.now() + tokenLifetime * 1000);
    emit({event: 'token', status: 200, token, expires_in: tokenLifetime});
    return reply(res, 200, {access_token: token, expires_in: tokenLifetime, token_type: 'Bearer'});
  }
  if (req.method !== 'POST' || req.url !== `/v1/projects/${PROJECT}/messages:send`) {
    emit({event: 'fcm', status: 404, error: `${req.method} ${req.url}`});
    return reply(res, 404, {error: {code: 404, status: 'NOT_FOUND'}});
  }
  const bearer = /^Bearer (\S+)$/.exec(req.headers['authorization'] || '');
  const expiry = bearer ? issued.get(bearer[1]) : undefined;
  if (!expiry || expiry < Date.now()) {
    emit({event: 'fcm', status: 401, error: 'bearer token not issued or expired'});
    return reply(res, 401, {error: {code: 401, status: 'UNAUTHENTICATED'}});
  }
  let message;
  try {
    message = JSON.parse(body).message;
    if (typeof message.token !== 'string') throw new Error('message.token');
    const n = message.notification;
    if (typeof n?.title !== 'string' || typeof n?.body !== 'string') {
      throw new Error('message.notification');
    }
    for (const v of Object.values(message.data || {})) {
      if (typeof v !== 'string') throw new Error('data values must be strings');
    }
    const a = message.android;
    if (typeof a?.collapse_key !== 'string' || a.priority !== 'HIGH' || !/^\d+s$/.test(a.ttl)) {
      throw new Error('message.android');
    }
  } catch (error) {
    emit({event: 'fcm', status: 400, error: String(error.message)});
    return reply(res, 400, {error: {code: 400, status: 'INVALID_ARGUMENT'}});
  }
  const event = {event: 'fcm', bearer: bearer[1], token: message.token, message};
  const count = countOf('fcm:' + message.token);
  let status = 200;
  const headers = {};
  if (down) {
    status = 503;
  } else if (message.token.startsWith('unregistered')) {
    status = 404;
    emit({...event, status});
    return reply(res, 404, {error: {code: 404, status: 'NOT_FOUND', details: [
      {'@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED'}]}});
  } else if (message.token.startsWith('flaky') && count === 1) {
    status = 503;
    headers['retry-after'] = '0';
  } else if (message.token.startsWith('throttled') && count === 1) {
    status = 429;
    headers['retry-after'] = '0';
  }
  emit({...event, status});
  if (status !== 200) return reply(res, status, {error: {code: status}}, headers);
  reply(res, 200, {name: `projects/${PROJECT}/messages/${count}`});
}

// --- APNs over HTTP/2 ---
async function onApnsStream(stream, headers) {
  const body = await readBody(stream);
  const answer = (status, reason, extra = {}) => {
    stream.respond({':status': status, 'apns-id': crypto.randomUUID()});
    stream.end(reason ? JSON.stringify({reason}) : '');
    emit({event: 'apns', status, reason: reason || '', ...extra});
  };
  const match = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(headers[':path'] || '');
  if (headers[':method'] !== 'POST') return answer(405, 'MethodNotAllowed');
  if (!match) return answer(404, 'BadPath');
  const device = match[1];
  const auth = /^bearer (\S+)$/.exec(headers['authorization'] || '');
  let jwt;
  try {
    if (!auth) throw new Error('MissingProviderToken');
    const {header, claims} = verifyJwt(auth[1], 'ES256', ec.publicKey);
    if (header.kid !== KEY_ID || claims.iss !== TEAM_ID) throw new Error('InvalidProviderToken');
    if (!(claims.iat <= nowS() + 60 && claims.iat > nowS() - 3600)) {
      throw new Error('ExpiredProviderToken');
    }
    jwt = auth[1];
  } catch (error) {
    const reason = /Token$/.test(error.message) ? error.message : 'InvalidProviderToken';
    return answer(403, reason, {device, error: String(error.message)});
  }
  let payload;
  try {
    if (headers['apns-topic'] !== TOPIC) throw new Error('BadTopic');
    if (headers['apns-push-type'] !== 'alert') throw new Error('InvalidPushType');
    if (!['5', '10'].includes(headers['apns-priority'])) throw new Error('BadPriority');
    const collapse = headers['apns-collapse-id'] || '';
    if (Buffer.byteLength(collapse) > 64) throw new Error('BadCollapseId');
    if (!/^\d+$/.test(headers['apns-expiration'] || '')) throw new Error('BadExpirationDate');
    payload = JSON.parse(body);
    const alert = payload.aps?.alert;
    if (typeof alert?.title !== 'string' || typeof alert?.body !== 'string') {
      throw new Error('PayloadEmpty');
    }
  } catch (error) {
    return answer(400, /^[A-Z]/.test(error.message) ? error.message : 'BadRequest', {device});
  }
  const event = {device, jwt, payload, http: '2.0',
                 headers: {topic: headers['apns-topic'], push_type: headers['apns-push-type'],
                           priority: headers['apns-priority'],
                           collapse_id: headers['apns-collapse-id'] || '',
                           expiration: Number(headers['apns-expiration'])}};
  const script = device.slice(0, 2);
  const count = countOf('apns:' + device);
  const previous = lastApnsJwt.get(device);
  lastApnsJwt.set(device, jwt);
  if (down) return answer(503, 'ServiceUnavailable', event);
  if (script === '02') return answer(410, 'Unregistered', event);
  if (script === '03') return answer(400, 'BadDeviceToken', event);
  if (script === '04' && count === 1) return answer(503, 'ServiceUnavailable', event);
  if (script === '05' && count === 1) return answer(429, 'TooManyRequests', event);
  if (script === '06' && (count === 1 || jwt === previous)) {
    return answer(403, 'ExpiredProviderToken', event);
  }
  answer(200, '', event);
}

const fcm = https.createServer(tls, (req, res) => onFcmServer(req, res));
const apns = http2.createSecureServer({...tls, allowHTTP1: false});
apns.on('stream', (stream, headers) => onApnsStream(stream, headers));
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
await Promise.all([listen(fcm), listen(apns)]);
const fcmPort = fcm.address().port;
tokenUri = `https://127.0.0.1:${fcmPort}/token`;
const serviceAccount = path.join(dir, 'service_account.json');
fs.writeFileSync(serviceAccount, JSON.stringify({
  type: 'service_account', project_id: PROJECT, private_key_id: 'k1',
  private_key: rsa.privateKey.export({type: 'pkcs8', format: 'pem'}), client_email: CLIENT_EMAIL,
  token_uri: tokenUri}));
const apnsKey = path.join(dir, 'apns_key.p8');
fs.writeFileSync(apnsKey, ec.privateKey.export({type: 'pkcs8', format: 'pem'}));
emit({fcm_port: fcmPort, apns_port: apns.address().port, service_account: serviceAccount,
      apns_key: apnsKey, key_id: KEY_ID, team_id: TEAM_ID, topic: TOPIC, project_id: PROJECT});

readline.createInterface({input: process.stdin}).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.token_lifetime !== undefined) tokenLifetime = command.token_lifetime;
  if (command.revoke) issued.clear();
  if (command.down !== undefined) down = command.down;
  emit({event: 'command', ...command});
}).on('close', () => process.exit(0));
