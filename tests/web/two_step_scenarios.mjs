// Two-step sign-in in the browser (docs/protocol.md, "Two-step sign-in"), in English, Chinese
// and French on a desktop and a phone. Each round makes its own person, turns two-step sign-in
// on in Settings > Security (the test reads the secret shown as text and computes the codes
// itself, as an authenticator app would: RFC 6238 with node's HMAC), checks the QR code is
// drawn, keeps the recovery codes, logs in on a new device with a code, then with a recovery
// code, and sees a wrong code refused in words. Screenshots (two-step-<lang>-<form>-NN-*.png):
// the section off, the QR code, the recovery codes, the section on, the login's second step
// and its error.
import { createHmac } from 'node:crypto';
import { PASSWORD } from './lib/app.mjs';
import { createPerson, DESKTOP, newDevice, PHONE } from './lib/people.mjs';
import { assert, assertEqual } from './lib/wait.mjs';

const ROUNDS = [
  ['en', 'en-US', 'desktop', DESKTOP], ['en', 'en-US', 'phone', PHONE],
  ['zh', 'zh-CN', 'desktop', DESKTOP], ['zh', 'zh-CN', 'phone', PHONE],
  ['fr', 'fr-FR', 'desktop', DESKTOP], ['fr', 'fr-FR', 'phone', PHONE],
];

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The TOTP code (SHA-1, 6 digits, 30 s) of `key` for the step of `unixSeconds`.
function totp(key, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

const now = () => Date.now() / 1000;

async function loginUntilSecondStep(page, baseUrl, username) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#auth-username').fill(username);
  await page.locator('#auth-password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('#auth-code').waitFor();
}

async function round(world, [lang, locale, form, viewport]) {
  const username = `twostep${lang}${form[0]}`;
  await createPerson(world, username, { en: 'Tess Two', zh: '双重', fr: 'Théo Deux' }[lang]);
  const page = await newDevice(world, { viewport, locale });
  const shot = async (n, name, locator) => {
    if (locator) await locator.scrollIntoViewIfNeeded();
    await page.screenshot({ path: world.screenshot(`two-step-${lang}-${form}-${n}-${name}`) });
  };

  await page.goto(`${world.baseUrl}/login`);
  await page.locator('#auth-username').fill(username);
  await page.locator('#auth-password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();
  await page.goto(`${world.baseUrl}/settings`);
  const section = page.locator('.two-step');
  await page.locator('#two-step-password').waitFor();
  await shot('01', 'off', section);

  await page.locator('#two-step-password').fill(PASSWORD);
  await section.locator('button[type=submit]').click();
  await page.locator('svg.qr-code').waitFor();
  const modules = await page.locator('svg.qr-code path').getAttribute('d');
  assert(modules.split('M').length > 200, 'the QR code has its modules drawn');
  await shot('02', 'qr', page.locator('#two-step-confirm-code'));
  const key = base32Decode(await page.locator('.two-step-secret').textContent());
  assertEqual(key.length, 20, 'the secret is 160 bits');

  await page.locator('#two-step-confirm-code').fill(totp(key, now()));
  await section.locator('button[type=submit]').click();
  await page.locator('.recovery-codes li').first().waitFor();
  const recovery = await page.locator('.recovery-codes code').allTextContents();
  assertEqual(recovery.length, 10, 'ten recovery codes');
  await shot('03', 'recovery-codes', section);
  await section.locator('button.primary').click();
  await page.locator('#two-step-off-code').waitFor();
  await shot('04', 'on', section);

  // A new device: the password, then a code.
  const other = await newDevice(world, { viewport, locale });
  await loginUntilSecondStep(other, world.baseUrl, username);
  await other.screenshot({ path: world.screenshot(`two-step-${lang}-${form}-05-login-code`) });
  await other.locator('#auth-code').fill('000000');
  await other.locator('form button[type=submit]').click();
  await other.locator('.form-error:not(:empty)').waitFor();
  await other.screenshot({ path: world.screenshot(`two-step-${lang}-${form}-06-login-wrong-code`) });
  await other.locator('#auth-code').fill(totp(key, now() + 30));
  await other.locator('form button[type=submit]').click();
  await other.locator('.conversation-list').waitFor();
  await other.context().close();

  // And with a recovery code, once.
  const third = await newDevice(world, { viewport, locale });
  await loginUntilSecondStep(third, world.baseUrl, username);
  await third.locator('#auth-code').fill(recovery[0]);
  await third.locator('form button[type=submit]').click();
  await third.locator('.conversation-list').waitFor();
  await third.context().close();
  await page.context().close();
}

export const twoStepScenarios = ROUNDS.map((r) => [`two-step sign-in: ${r[0]} ${r[2]}`, (world) => round(world, r)]);
