// The web app over TLS in Chromium: node tls_run.mjs <parleyd> <repo root>.
// Makes a self-signed certificate for 127.0.0.1 with the openssl command, starts parleyd with
// it (--tls-cert/--tls-key) and a plain-HTTP redirect listener, and has Chromium trust exactly
// that key (--ignore-certificate-errors-spki-list: no other certificate error is ignored).
// Checks: the plain-HTTP address lands on the https:// app; the page carries
// Strict-Transport-Security; two people register through the UI and chat over wss://, with the
// read tick coming back. Always closes the browser, stops the server and removes its files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { bubbles, registerViaUi, sendText, startChat } from './lib/app.mjs';
import { watchSecurity } from './lib/csp.mjs';
import { startServer } from './lib/server.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const [binary, repoRoot] = process.argv.slice(2);
if (!binary || !repoRoot) {
  console.error('usage: node tls_run.mjs <parleyd> <repo root>');
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-tls-'));
const cert = path.join(dir, 'tls.pem');
const key = path.join(dir, 'tls.key');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
  '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  '-keyout', key, '-out', cert], { stdio: 'ignore' });
// Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's flag wants it.
const spki = execFileSync('sh', ['-c', `openssl x509 -in '${cert}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]).toString().trim();

let server;
let browser;
let failed = false;
try {
  server = await startServer({
    binary, webRoot: path.join(repoRoot, 'web'), scheme: 'https',
    extraArgs: ['--tls-cert', cert, '--tls-key', key, '--http-redirect-listen', '127.0.0.1:0'],
  });
  const redirectPort = /redirecting http:\/\/127\.0\.0\.1:(\d+)/.exec(server.log())?.[1];
  assert(redirectPort, `the redirect listener's port in the log:\n${server.log()}`);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      `--ignore-certificate-errors-spki-list=${spki}`],
  });
  const securityProblems = [];
  watchSecurity(browser, securityProblems);
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();

  // The plain-HTTP address only redirects: the browser lands on the https:// app.
  await alice.goto(`http://127.0.0.1:${redirectPort}/register`);
  assertEqual(new URL(alice.url()).origin, server.url, 'origin after the redirect');
  const response = await alice.goto(`${server.url}/register`);
  assertEqual(response.headers()['strict-transport-security'], 'max-age=31536000', 'HSTS');

  await registerViaUi(alice, server.url, 'alice', 'Alice');
  await registerViaUi(bob, server.url, 'bob', 'Bob');
  await startChat(alice, 'bob');
  await sendText(alice, 'hello over wss 🔒');
  await startChat(bob, 'alice');
  await bubbles(bob, 'hello over wss 🔒').waitFor();
  await eventually(async () => assertEqual(
    await alice.locator('.message.mine', { hasText: 'hello over wss' }).locator('.tick').getAttribute('data-state'),
    'read', 'tick'), 'the read tick over wss (bob has the chat open)');
  if (securityProblems.length) throw new Error(`security policy: ${securityProblems.join('; ')}`);
  console.log('ok   the web app over TLS: redirect, HSTS, register and chat over wss');
} catch (error) {
  failed = true;
  console.log(`FAIL ${error.stack}`);
  if (server) console.log('server log:\n' + server.log().split('\n').slice(-30).join('\n'));
} finally {
  await browser?.close();
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
