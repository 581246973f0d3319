// converse.js (npm, an XMPP web client no one here wrote) against a real parleyd, in headless
// Chromium: node converse_run.mjs <parleyd> <repo root> <screenshot dir>.
// parleyd runs with XMPP on (--xmpp-listen), so XMPP over WebSocket (RFC 7395) is at
// ws://127.0.0.1:PORT/xmpp-websocket on its HTTP listener. Converse's page and files are served
// from loopback by a small static server here. Bob logs in to converse (SCRAM-SHA-256: no TLS
// here, so no PLAIN), Alice to the Parley web app; they are friends. Bob writes first from
// converse, Alice answers from the web app: each message shows on both sides. Screenshots of
// both (desktop) land in the screenshot dir: converse-bob.png, converse-web-alice.png.
// Always closes the browser and the static server and stops parleyd.
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, bubbles, loginViaUi, PASSWORD, sendText, startChat } from './lib/app.mjs';
import { DESKTOP } from './lib/people.mjs';
import { startServer } from './lib/server.mjs';
import { assert, eventually } from './lib/wait.mjs';

const [binary, repoRoot, screenshotDir] = process.argv.slice(2);
if (!binary || !repoRoot || !screenshotDir) {
  console.error('usage: node converse_run.mjs <parleyd> <repo root> <screenshot dir>');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });

const converseDist = path.join(import.meta.dirname, 'node_modules', 'converse.js', 'dist');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

// The page converse runs in: logs Bob in over `websocketUrl`, and hands the test its API
// through a plugin of its own (converse's API is only for plugins).
function conversePage(websocketUrl) {
  const settings = {
    websocket_url: websocketUrl,
    discover_connection_methods: false,
    assets_path: '/dist/',
    authentication: 'login',
    auto_login: true,
    auto_reconnect: false,
    jid: 'bob@localhost/converse',
    password: PASSWORD,
    view_mode: 'fullscreen',
    i18n: 'en',
    play_sounds: false,
    loglevel: 'debug',
    whitelisted_plugins: ['parley-test'],
  };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>converse.js</title>
<link rel="stylesheet" href="/dist/converse.min.css"><script type="module" src="/dist/converse.min.js"></script>
</head><body class="converse-fullscreen"><script type="module">
converse.plugins.add('parley-test', { initialize() { window.parleyConverse = this._converse; } });
converse.initialize(${JSON.stringify(settings)});
</script></body></html>`;
}

// Serves the page at / and converse's files under /dist/ (nothing outside that directory).
function serveConverse(websocketUrl) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(conversePage(websocketUrl));
      return;
    }
    const file = path.join(converseDist, path.normalize(url.pathname.replace(/^\/dist\//, '/')));
    if (!url.pathname.startsWith('/dist/') || !file.startsWith(converseDist + path.sep)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let parley;
let pages;
let browser;
let failed = false;
try {
  parley = await startServer({
    binary, webRoot: path.join(repoRoot, 'web'), extraArgs: ['--xmpp-listen', '127.0.0.1:0'],
  });
  const websocketUrl = `${parley.url.replace(/^http/, 'ws')}/xmpp-websocket`;
  pages = await serveConverse(websocketUrl);
  const pagesUrl = `http://127.0.0.1:${pages.address().port}/`;

  // Alice and Bob, friends (Bob's converse roster shows Alice).
  const people = {};
  for (const [username, display_name] of [['alice', 'Alice'], ['bob', 'Bob']]) {
    await api(parley.url, 'POST', '/accounts', { body: { username, password: PASSWORD, display_name } });
    const { token, user } = await api(parley.url, 'POST', '/sessions', { body: { username, password: PASSWORD, device: 'setup' } });
    people[username] = { ...user, token };
  }
  await api(parley.url, 'POST', '/friends/requests', { token: people.alice.token, body: { to: people.bob.id } });
  await api(parley.url, 'POST', `/friends/requests/${people.alice.id}/accept`, { token: people.bob.token });

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const pageErrors = [];
  const converseLog = [];
  const converseContext = await browser.newContext({ viewport: DESKTOP });
  // Nothing leaves loopback (converse's login screen shows sponsors' logos from its site).
  await converseContext.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const bob = await converseContext.newPage();
  bob.on('pageerror', (error) => pageErrors.push(`converse: ${error.stack}`));
  bob.on('console', (message) => converseLog.push(`${message.type()}: ${message.text()}`));
  bob.on('response', (response) => {
    if (response.status() >= 400) converseLog.push(`http ${response.status()}: ${response.url()}`);
  });
  const alice = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  alice.on('pageerror', (error) => pageErrors.push(`web app: ${error.stack}`));

  try {
    await bob.goto(pagesUrl);
    await eventually(async () => assert(
      await bob.evaluate(() => window.parleyConverse?.api.connection.connected() === true),
      'converse connected'), 'converse logs in over the WebSocket');
    await bob.locator('converse-roster-contact', { hasText: 'alice' }).first().waitFor({ timeout: 20000 });
    console.log('ok   converse logs in over XMPP-over-WebSocket (SCRAM-SHA-256) and shows its roster');

    await loginViaUi(alice, parley.url, 'alice');
    await startChat(alice, 'bob');

    // Bob writes from converse's own composer.
    await bob.evaluate(() => window.parleyConverse.api.chats.open('alice@localhost', {}, true));
    const composer = bob.locator('converse-chat-bottom-panel textarea.chat-textarea');
    await composer.fill('hello from converse.js 👋');
    await composer.press('Enter');
    await bubbles(alice, 'hello from converse.js 👋').waitFor({ timeout: 20000 });
    console.log('ok   a message from converse shows in the web app');

    await sendText(alice, 'hi Bob, from the Parley web app');
    await bob.locator('.chat-msg__text', { hasText: 'hi Bob, from the Parley web app' }).waitFor({ timeout: 20000 });
    await bob.locator('.chat-msg__text', { hasText: 'hello from converse.js' }).waitFor();
    console.log('ok   a message from the web app shows in converse');

    await bob.screenshot({ path: path.join(screenshotDir, 'converse-bob.png') });
    await alice.screenshot({ path: path.join(screenshotDir, 'converse-web-alice.png') });
    if (pageErrors.length) throw new Error(`page errors:\n${pageErrors.join('\n')}`);
  } catch (error) {
    await bob.screenshot({ path: path.join(screenshotDir, 'converse-bob-failed.png') }).catch(() => {});
    console.log('converse console (last 40):\n' + converseLog.slice(-40).join('\n'));
    throw error;
  }
} catch (error) {
  failed = true;
  console.log(`FAIL ${error.stack}`);
  if (parley) console.log('server log:\n' + parley.log().split('\n').slice(-40).join('\n'));
} finally {
  await browser?.close();
  pages?.close();
  parley?.stop();
}
process.exit(failed ? 1 : 0);
