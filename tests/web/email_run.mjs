// E-mail verification and password reset in Chromium, against a real SMTP server:
//   node email_run.mjs <parleyd> <repo root> <screenshot dir>
// Starts tests/peers/smtp_peer.mjs (the npm smtp-server, STARTTLS with a self-signed
// certificate made here by the openssl command, AUTH required; mailparser reads each mail)
// and parleyd sending through it, with --public-url its own address so that the mailed links
// open the app under test. A person adds and confirms an address in settings, then, logged
// out, uses "Forgot password?", follows the mailed link, sets a new password (her other open
// page is logged out), logs in with it, and finds the used link refused. The forgot-password
// page in French and Chinese, and every screen on desktop (1280x800) and phone (390x844),
// is screenshotted; each screenshot is checked for leaked values/codes and by axe
// (lib/visible_text.mjs). Always stops the browser, the server and the peer.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PASSWORD, loginViaUi, registerViaUi } from './lib/app.mjs';
import { watchSecurity } from './lib/csp.mjs';
import { freePort, startServer } from './lib/server.mjs';
import { watchScreens } from './lib/visible_text.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const [binary, repoRoot, screenshotDir] = process.argv.slice(2);
if (!binary || !repoRoot || !screenshotDir) {
  console.error('usage: node email_run.mjs <parleyd> <repo root> <screenshot dir>');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const NEW_PASSWORD = 'a brand new password';

// Starts the SMTP peer; resolves with {port, mails, stop}; mails() is every mail read so far.
async function startSmtpPeer(cert, key) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'tests/peers/smtp_peer.mjs'),
    '--cert', cert, '--key', key, '--user', 'parley', '--pass', 's3cret pass'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const mails = [];
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop();
      for (const line of lines) {
        if (line.startsWith('listening ')) resolve(Number(line.slice(10)));
        if (line.startsWith('{')) mails.push(JSON.parse(line).mail);
      }
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('exit', (code) => reject(new Error(`smtp peer exited (${code})`)));
  });
  return { port, mails: () => mails, stop: () => child.kill('SIGKILL') };
}

async function mailLink(smtp, to, subject, count) {
  let link;
  await eventually(async () => {
    const found = smtp.mails().filter((mail) => mail.to[0] === to && mail.subject === subject);
    assert(found.length >= count, `${count} mail(s) "${subject}" to ${to}`);
    link = /(http:\/\/127\.0\.0\.1:\d+\/[a-z-]+#pt_[A-Za-z0-9_-]{43})/.exec(found[count - 1].text)?.[1];
    assert(link, `a link in: ${found[count - 1].text}`);
  }, `mail "${subject}"`);
  return link;
}

async function shoot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

// Screenshots `name` at both sizes: this page at DESKTOP, then a phone-sized copy of it.
async function shootBoth(page, name) {
  await page.setViewportSize(DESKTOP);
  await shoot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await shoot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-email-'));
const cert = path.join(dir, 'smtp.pem');
const key = path.join(dir, 'smtp.key');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
  '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  '-keyout', key, '-out', cert], { stdio: 'ignore' });

let smtp;
let server;
let browser;
let failed = false;
const pages = [];
try {
  smtp = await startSmtpPeer(cert, key);
  const port = await freePort();
  server = await startServer({
    binary, webRoot: path.join(repoRoot, 'web'),
    extraArgs: ['--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`,
      '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-from', 'parley@chat.example.org',
      '--smtp-username', 'parley', '--smtp-password', 's3cret pass', '--smtp-ca-file', cert],
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const securityProblems = [];
  watchSecurity(browser, securityProblems);
  watchScreens(browser);
  const pageErrors = [];
  const newPage = async (locale = 'en-US') => {
    const page = await (await browser.newContext({ viewport: DESKTOP, locale })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    pages.push(page);
    return page;
  };

  // Settings: add an address; the mailed link confirms it.
  const alice = await newPage();
  await registerViaUi(alice, server.url, 'alice', 'Alice');
  await alice.goto(`${server.url}/settings`);
  await alice.locator('.email-state', { hasText: 'No e-mail address yet' }).waitFor();
  // The e-mail digest needs a confirmed address: the switch says so and goes back off (a
  // click, not check(): the switch may be off again before check() looks).
  await alice.locator('#notify-email-digest').click();
  await alice.locator('.delivery-settings [role=status]', { hasText: 'Add and verify an e-mail address' }).waitFor();
  assertEqual(await alice.locator('#notify-email-digest').isChecked(), false, 'the digest switch after a refusal');
  await alice.locator('#email-address').fill('alice@example.org');
  await alice.locator('#email-password').fill('not my password');
  await alice.locator('.email-form button[type=submit]').click();
  await alice.locator('.email-form [role=status]', { hasText: 'Wrong password.' }).waitFor();
  await alice.locator('#email-password').fill(PASSWORD);
  await alice.locator('.email-form button[type=submit]').click();
  await alice.locator('.email-state', { hasText: 'not confirmed yet' }).waitFor();
  await alice.locator('.email-form').scrollIntoViewIfNeeded();
  await shootBoth(alice, 'email-settings-unconfirmed');
  const verifyLink = await mailLink(smtp, 'alice@example.org', 'Confirm your e-mail address', 1);
  assert(verifyLink.includes('/verify-email#'), verifyLink);
  const phone = await newPage();
  await phone.goto(verifyLink);
  await phone.locator('[role=status]', { hasText: 'Your e-mail address is confirmed' }).waitFor();
  assertEqual(new URL(phone.url()).hash, '', 'the code left the address bar');
  await shootBoth(phone, 'email-verified');
  await alice.goto(`${server.url}/settings`);
  await alice.locator('.email-state', { hasText: 'alice@example.org (confirmed)' }).waitFor();
  await alice.locator('#notify-email-digest').check();
  await alice.locator('.delivery-settings [role=status]', { hasText: 'Saved.' }).waitFor();
  assertEqual(await alice.locator('.delivery-settings').textContent().then((text) => text.includes('after 30 minutes offline')), true, 'the digest delay in words');
  await alice.locator('.delivery-settings').scrollIntoViewIfNeeded();
  await shootBoth(alice, 'notification-delivery-settings');
  await alice.reload();
  await alice.locator('#notify-email-digest:checked').waitFor();

  // Logged out: "Forgot password?" on the login screen, then the same answer for anyone.
  await phone.goto(`${server.url}/login`);
  await phone.locator('a.forgot-password').waitFor();
  await shootBoth(phone, 'login-forgot-password-link');
  await phone.locator('a.forgot-password').click();
  await phone.locator('#recovery-account').waitFor();
  assertEqual(new URL(phone.url()).pathname, '/forgot-password', 'path');
  await shootBoth(phone, 'forgot-password');
  await phone.locator('#recovery-account').fill('alice');
  await phone.locator('form button[type=submit]').click();
  await phone.locator('.recovery-done').waitFor();
  const sent = await phone.locator('.recovery-done').textContent();
  await shootBoth(phone, 'forgot-password-sent');
  const stranger = await newPage();
  await stranger.goto(`${server.url}/forgot-password`);
  await stranger.locator('#recovery-account').fill('nobody-here');
  await stranger.locator('form button[type=submit]').click();
  assertEqual(await stranger.locator('.recovery-done').textContent(), sent, 'the answer for a missing account');

  // The mailed link: a new password; Alice's other page is logged out.
  const resetLink = await mailLink(smtp, 'alice@example.org', 'Reset your Parley password', 1);
  await phone.goto(resetLink);
  await phone.locator('#reset-password').waitFor();
  assertEqual(new URL(phone.url()).hash, '', 'the code left the address bar');
  await shootBoth(phone, 'reset-password');
  await phone.locator('#reset-password').fill(NEW_PASSWORD);
  await phone.locator('#reset-password-again').fill('something else');
  await phone.locator('form button[type=submit]').click();
  await phone.locator('[role=alert]', { hasText: 'The two passwords differ.' }).waitFor();
  await phone.locator('#reset-password-again').fill(NEW_PASSWORD);
  await phone.locator('form button[type=submit]').click();
  await phone.locator('.recovery-done', { hasText: 'every device was logged out' }).waitFor();
  await shootBoth(phone, 'reset-password-done');
  await eventually(async () => assertEqual(new URL(alice.url()).pathname, '/login', 'Alice\'s open page'),
    'the open page is logged out');
  await loginViaUi(alice, server.url, 'alice', NEW_PASSWORD);

  // The link works once. (From another path: a link that differs only by its fragment would
  // not load the page again.)
  await phone.goto(`${server.url}/login`);
  await phone.goto(resetLink);
  await phone.locator('#reset-password').fill('a third password');
  await phone.locator('#reset-password-again').fill('a third password');
  await phone.locator('form button[type=submit]').click();
  await phone.locator('[role=alert]', { hasText: 'already used or expired' }).waitFor();
  await shootBoth(phone, 'reset-password-used');

  // The other languages.
  for (const [locale, text] of [['fr-FR', 'Mot de passe oublié'], ['zh-CN', '忘记密码']]) {
    const page = await newPage(locale);
    await page.goto(`${server.url}/login`);
    await page.locator('a.forgot-password', { hasText: text }).click();
    await page.locator('#recovery-account').fill('alice');
    await page.locator('form button[type=submit]').click();
    await page.locator('.recovery-done').waitFor();
    await shootBoth(page, `forgot-password-sent-${locale.slice(0, 2)}`);
  }

  if (securityProblems.length) throw new Error(`security policy: ${securityProblems.join('; ')}`);
  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
  console.log('ok   e-mail: add and confirm an address, forgot password, reset by the mailed link, used link refused');
} catch (error) {
  failed = true;
  console.log(`FAIL ${error.stack}`);
  await Promise.all(pages.map((page, i) => page.screenshot({ path: path.join(screenshotDir, `email-failure-${i}.png`) }).catch(() => {})));
  if (server) console.log('server log:\n' + server.log().split('\n').slice(-30).join('\n'));
} finally {
  await browser?.close();
  server?.stop();
  smtp?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
