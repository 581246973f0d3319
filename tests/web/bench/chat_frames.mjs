// chat_frames: frame times of a chat with 5,000 loaded messages in Chromium, for
// docs/benchmarks.md. Not a test (it asserts nothing about speed): run it by hand,
//   node bench/chat_frames.mjs <parleyd> <repo root> [messages=5000]
// It starts a real parleyd (lib/server.mjs), seeds `messages` messages from Ben to Ann over a
// raw WebSocket, opens the chat in Ann's desktop page and scrolls back until every message is
// loaded (the time that takes is reported), then measures the interval between animation
// frames (a requestAnimationFrame probe in the page) while 200 new messages arrive live (20 a
// second) and while the list is scrolled from the top to the bottom (one step per frame).
// Prints mean, p50, p95, p99 and max frame interval and the frames over 50 ms; with PROFILE=1
// also the 25 functions that took the most CPU (self time) while the messages arrived.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, loginViaUi, PASSWORD } from '../lib/app.mjs';
import { startServer } from '../lib/server.mjs';

const [binary, repoRoot, countArg] = process.argv.slice(2);
if (!binary || !repoRoot) {
  console.error('usage: node bench/chat_frames.mjs <parleyd> <repo root> [messages]');
  process.exit(2);
}
const COUNT = Number(countArg) || 5000;

async function account(baseUrl, username) {
  await api(baseUrl, 'POST', '/accounts', { body: { username, password: PASSWORD, display_name: username } });
  return api(baseUrl, 'POST', '/sessions', { body: { username, password: PASSWORD, device: 'bench' } });
}

// Sends `count` messages from the page's origin over a raw WebSocket, `perSecond` a second
// (0: all at once); resolves when all are acknowledged.
function sendMessages(page, { token, to, count, perSecond = 0, prefix }) {
  return page.evaluate(({ token, to, count, perSecond, prefix }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    let acks = 0;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, token }));
    ws.onmessage = (event) => {
      for (const line of String(event.data).split('\n')) {
        const frame = JSON.parse(line);
        if (frame.type === 'synced') {
          let i = 0;
          const sendOne = () => {
            i += 1;
            ws.send(JSON.stringify({ type: 'send', id: `${prefix}-${i}`, to, text: `${prefix} message ${i}: a line of text of a usual length 👋` }));
          };
          if (!perSecond) while (i < count) sendOne();
          else {
            const timer = setInterval(() => { if (i < count) sendOne(); else clearInterval(timer); }, 1000 / perSecond);
          }
        } else if (frame.type === 'ack' && ++acks === count) {
          ws.close();
          resolve();
        } else if (frame.type === 'error') reject(new Error(line));
      }
    };
  }), { token, to, count, perSecond, prefix });
}

// Starts the frame probe; stopProbe() returns the intervals between frames (ms).
const startProbe = (page) => page.evaluate(() => {
  window.frameTimes = [];
  window.probing = true;
  let last = performance.now();
  const step = (now) => {
    window.frameTimes.push(now - last);
    last = now;
    if (window.probing) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
});
const stopProbe = (page) => page.evaluate(() => { window.probing = false; return window.frameTimes.slice(1); });

function summary(name, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const fixed = (x) => x.toFixed(1);
  console.log(`${name}: ${times.length} frames, mean ${fixed(mean)} ms, p50 ${fixed(at(0.5))}, p95 ${fixed(at(0.95))}, p99 ${fixed(at(0.99))}, max ${fixed(sorted[sorted.length - 1])}, over 50 ms: ${times.filter((x) => x > 50).length}`);
}

const server = await startServer({ binary, webRoot: path.join(repoRoot, 'web') });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const ann = await account(server.url, 'ann');
  const ben = await account(server.url, 'ben');
  const seeder = await (await browser.newContext()).newPage();
  await seeder.goto(`${server.url}/login`);
  await sendMessages(seeder, { token: ben.token, to: ann.user.id, count: COUNT, prefix: 'seed' });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await loginViaUi(page, server.url, 'ann');
  await page.locator('.conversation a', { hasText: 'ben' }).click();
  await page.locator('.messages .message').first().waitFor();
  const loadStarted = Date.now();
  const loaded = () => page.locator('.messages .message').count();
  for (let count = await loaded(), reported = 0; count < COUNT; count = await loaded()) {
    await page.locator('.messages').evaluate((scroller) => { scroller.scrollTop = 0; });
    await page.waitForFunction((before) => document.querySelectorAll('.messages .message').length > before, count, { timeout: 0 });
    if (count - reported >= 1000) {
      reported = count;
      console.log(`  ${count} loaded after ${Date.now() - loadStarted} ms`);
    }
  }
  console.log(`${COUNT} messages loaded by scrolling back in ${Date.now() - loadStarted} ms`);
  await page.locator('.jump-latest').click();

  const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start'); }
  await startProbe(page);
  await sendMessages(seeder, { token: ben.token, to: ann.user.id, count: 200, perSecond: 20, prefix: 'live' });
  const sentAt = Date.now();
  await page.locator('.message .text', { hasText: 'live message 200:' }).waitFor({ timeout: 0 });
  console.log(`the last message shown ${Date.now() - sentAt} ms after the server acknowledged it`);
  summary('receiving 200 messages at 20/s', await stopProbe(page));
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map();
    const dt = profile.timeDeltas;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const f = byId.get(id).callFrame;
      const name = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
      self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0));
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([n, us]) => `${(us / 1000).toFixed(0)} ms ${n}`).join('\n'));
  }

  await page.locator('.messages').evaluate((scroller) => { scroller.scrollTop = 0; });
  await startProbe(page);
  await page.locator('.messages').evaluate((scroller) => new Promise((resolve) => {
    const step = () => {
      scroller.scrollTop += 400;
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) resolve();
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }));
  summary('scrolling top to bottom, 400 px a frame', await stopProbe(page));
} finally {
  await browser.close();
  server.stop();
}
