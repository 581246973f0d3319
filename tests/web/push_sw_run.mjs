// Web Push into the web app's service worker, end to end:
//   node push_sw_run.mjs <parleyd> <repo root> <screenshot dir>
// Chromium's own push service is unreachable here, so the test stands in for it with
// tests/peers/push_service.mjs: parleyd encrypts a notification for Bob's subscription (RFC
// 8291, VAPID) and POSTs it to the peer, which decrypts it with the `http_ece` package; the
// test then hands that plaintext to the service worker of Bob's browser through the DevTools
// protocol (ServiceWorker.deliverPushMessage), as the browser's push service would, and reads
// the notification the worker showed (registration.getNotifications()): its title, body, tag
// and the conversation a click opens. Bob's page is closed meanwhile (he is offline; the
// worker lives on in his browser). Always stops the browser, the server and the peer.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, registerViaUi, sendText, startChat, tokenOf } from './lib/app.mjs';
import { createPerson, makeFriends } from './lib/people.mjs';
import { startServer } from './lib/server.mjs';
import { assertEqual, eventually } from './lib/wait.mjs';

const [binary, repoRoot, screenshotDir] = process.argv.slice(2);
if (!binary || !repoRoot || !screenshotDir) {
  console.error('usage: node push_sw_run.mjs <parleyd> <repo root> <screenshot dir>');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });

// Starts the push peer; resolves with {port, p256dh, auth, events, stop}; events() is every
// request it judged so far.
async function startPushPeer() {
  const child = spawn(process.execPath, [path.join(repoRoot, 'tests/peers/push_service.mjs')],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const events = [];
  const keys = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop();
      for (const line of lines) {
        const parsed = JSON.parse(line);
        if ('port' in parsed) resolve(parsed);
        else events.push(parsed);
      }
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('exit', (code) => reject(new Error(`push peer exited (${code})`)));
  });
  return { ...keys, events: () => events, stop: () => child.kill('SIGKILL') };
}

// eventually(), for checks that answer a falsy value until the condition holds.
const until = (check, what) => eventually(async () => {
  const value = await check();
  if (!value) throw new Error('not yet');
  return value;
}, what);

let peer;
let server;
let browser;
let failed = false;
const pages = [];
try {
  peer = await startPushPeer();
  server = await startServer({ binary, webRoot: path.join(repoRoot, 'web'),
    extraArgs: ['--push-allow-private-endpoints', 'true'] });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const pageErrors = [];
  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    return context;
  };
  const open = async (context) => {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    pages.push(page);
    return page;
  };

  // Bob signs up in his browser; the app registers its service worker.
  const bobContext = await newContext();
  let bobPage = await open(bobContext);
  await registerViaUi(bobPage, server.url, 'bob', 'Bob');
  await bobPage.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const bob = { token: await tokenOf(bobPage) };
  bob.id = (await api(server.url, 'GET', '/account', { token: bob.token })).user.id;
  const world = { baseUrl: server.url };
  const alice = await createPerson(world, 'alice', 'Alice');
  await makeFriends(world, alice, bob);
  // His subscription, as the browser would make it with a reachable push service.
  await api(server.url, 'POST', '/push/targets', { token: bob.token, body: {
    provider: 'webpush', endpoint: `http://127.0.0.1:${peer.port}/push/ok`,
    keys: { p256dh: peer.p256dh, auth: peer.auth } } });

  // Bob closes Parley; Alice writes to him.
  await bobPage.close();
  await until(async () => {
    const { friends } = await api(server.url, 'GET', '/friends', { token: alice.token });
    return friends.some((f) => f.user.id === bob.id && f.presence.status === 'offline');
  }, 'Bob offline');
  const alicePage = await open(await newContext());
  await alicePage.goto(`${server.url}/login`);
  await alicePage.locator('#auth-username').fill('alice');
  await alicePage.locator('#auth-password').fill('correct horse battery');
  await alicePage.locator('form button[type=submit]').click();
  await alicePage.locator('.conversation-list').waitFor();
  await startChat(alicePage, 'bob');
  await sendText(alicePage, 'Dinner at 8? 🍝');
  const pushed = await until(() => peer.events().find((e) => e.event === 'webpush' && e.status === 201),
    'the encrypted push reached the push service');
  assertEqual(pushed.payload.body, 'Dinner at 8? 🍝', 'the decrypted body');

  // The push service hands the plaintext to Bob's service worker.
  const blank = await open(bobContext);
  const cdp = await bobContext.newCDPSession(blank);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => registrations.push(...updated));
  await cdp.send('ServiceWorker.enable');
  const registration = await until(() => registrations.find((r) => r.scopeURL.startsWith(server.url) && !r.isDeleted),
    'the service worker registration');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: server.url, registrationId: registration.registrationId, data: JSON.stringify(pushed.payload) });

  // What the worker showed.
  bobPage = blank;
  await bobPage.goto(`${server.url}/settings`);
  const shown = await until(async () => {
    const notifications = await bobPage.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, path: n.data?.path }));
    });
    return notifications.length ? notifications : null;
  }, 'a notification from the service worker');
  const conversation = pushed.payload.conversation_id;
  assertEqual(JSON.stringify(shown), JSON.stringify([{ title: 'Alice', body: 'Dinner at 8? 🍝',
    tag: `c${conversation}`, path: `/chat/${conversation}` }]), 'the notification');

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
  console.log('ok   push: parleyd encrypts, the push service decrypts, the service worker shows the notification');
} catch (error) {
  failed = true;
  console.log(`FAIL ${error.stack}`);
  await Promise.all(pages.map((page, i) => page.screenshot({ path: path.join(screenshotDir, `push-failure-${i}.png`) }).catch(() => {})));
  if (server) console.log('server log:\n' + server.log().split('\n').slice(-30).join('\n'));
} finally {
  await browser?.close();
  server?.stop();
  peer?.stop();
}
process.exit(failed ? 1 : 0);
