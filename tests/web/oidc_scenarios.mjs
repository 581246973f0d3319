// Signing in with OpenID Connect in the browser (docs/protocol.md, "Signing in with OpenID
// Connect"), against a real provider on loopback: tests/peers/oidc_peer.mjs (the npm
// oidc-provider, its scripted login page), and a parleyd of the scenario's own configured for
// it (--public-url its own address, --oidc-provider test, --oidc-allow-private), as in
// tests/e2e/oidc_test.cc.
// - First sign-in: "Sign in with Test IdP" on the login screen, the provider's login page, back
//   to the app's "Welcome" card with the provider's username suggested (the ticket gone from
//   the address bar); a taken username is refused in words, a free one lands in the app.
//   Settings > Security lists the linked account; unlinking the only way in is refused in
//   words. Logged out, the button signs straight back in (the provider remembers the login).
// - An identity linked to an account that exists: a wrong password in words, then the right
//   one; Settings lists it, and as the account has a password, Unlink works.
// - What comes back broken: `#oidc-error=state` and an unknown reason on the login screen, a
//   ticket the server does not know: each a sentence, never the code.
// - An account without a password: Settings shows "Set a password" and no password fields;
//   setting one is refused until "Confirm with Test IdP" went through the provider again.
// Screenshots (oidc-*.png) of each new screen on a desktop and a phone (390x844).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, PASSWORD } from './lib/app.mjs';
import { DESKTOP, newDevice, PHONE } from './lib/people.mjs';
import { freePort } from './lib/server.mjs';
import { assert, assertEqual } from './lib/wait.mjs';

const PEER = fileURLToPath(new URL('../peers/oidc_peer.mjs', import.meta.url));
const CLIENT_SECRET = 'web test client secret';

// The provider on loopback; resolves with {issuer, stop}.
async function startProvider(redirectUri) {
  const child = spawn(process.execPath, [PEER, '--redirect-uri', redirectUri, '--client-id', 'parley',
    '--client-secret', CLIENT_SECRET], { cwd: path.dirname(PEER), stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const issuer = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /"issuer":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`oidc peer exited (${code}):\n${out}`)));
  });
  return { issuer, stop: () => child.kill('SIGKILL') };
}

// Starts the provider and a parleyd signing in with it as "test" ("Test IdP").
async function startWorld(world, dir) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const provider = await startProvider(`${publicUrl}/api/v1/auth/oidc/test/callback`);
  const secretFile = path.join(dir, 'client-secret');
  writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
  try {
    const server = await world.startServer(['--listen', `127.0.0.1:${port}`, '--public-url', publicUrl,
      '--oidc-provider', 'test', '--oidc.test.issuer', provider.issuer, '--oidc.test.client-id', 'parley',
      '--oidc.test.client-secret-file', secretFile, '--oidc.test.display-name', 'Test IdP',
      '--oidc-allow-private', 'true']);
    return { server, provider, baseUrl: server.url };
  } catch (error) {
    provider.stop();
    throw error;
  }
}

// Screenshots `name` on this page's desktop size, then at a phone's.
async function shootBoth(world, page, name) {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: world.screenshot(`oidc-${name}-desktop`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: world.screenshot(`oidc-${name}-phone`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

// From the login screen through the provider's login page as `user`, back in the app.
async function signInAtProvider(page, baseUrl, user) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('.oidc-button', { hasText: 'Test IdP' }).click();
  await page.locator('input[name=user]').fill(user);
  await page.getByRole('button', { name: 'Sign in at the test provider' }).click();
}

async function firstSignIn(world, { baseUrl }) {
  await api(baseUrl, 'POST', '/accounts', { body: { username: 'olivia', password: PASSWORD } });
  const page = await newDevice(world);
  await page.goto(`${baseUrl}/login`);
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).waitFor();
  await shootBoth(world, page, '01-login-button');

  await signInAtProvider(page, baseUrl, 'olivia');
  const username = page.locator('#oidc-username');
  await username.waitFor();
  assertEqual(await username.inputValue(), 'olivia', 'the provider\'s username suggested');
  assertEqual(new URL(page.url()).hash, '', 'the ticket left the address bar');
  await page.locator('.oidc-card', { hasText: 'olivia Example, you signed in with Test IdP' }).waitFor();
  await shootBoth(world, page, '02-choose-account');
  await page.locator('.oidc-new-account button[type=submit]').click();
  await page.locator('.oidc-new-account [role=alert]', { hasText: 'That username is taken.' }).waitFor();
  await shootBoth(world, page, '03-username-taken');
  await username.fill('oliviaweb');
  await page.locator('.oidc-new-account button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();

  await page.goto(`${baseUrl}/settings`);
  const linked = page.locator('.linked-accounts li', { hasText: 'Test IdP' });
  await linked.waitFor();
  await linked.getByRole('button', { name: 'Unlink' }).click();
  await linked.locator('.confirm-question .confirm').click();
  await page.locator('.linked [role=status]', { hasText: 'This is your only way into this account' }).waitFor();
  await linked.locator('button.unlink').waitFor(); // the question closed, the identity kept
  await page.locator('.linked').scrollIntoViewIfNeeded();
  await shootBoth(world, page, '04-settings-only-way-in');
  await page.getByRole('button', { name: 'Log out of this device' }).click();

  // The provider remembers the login and the consent: the button signs straight back in.
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.locator('.conversation-list').waitFor();
  const { user } = await api(baseUrl, 'GET', '/account', {
    token: await page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')).token),
  });
  assertEqual(user.username, 'oliviaweb', 'signed in to the account made the first time');
  await page.context().close();
}

async function linkExisting(world, { baseUrl }) {
  await api(baseUrl, 'POST', '/accounts', { body: { username: 'linda', password: PASSWORD, display_name: 'Linda' } });
  const page = await newDevice(world, { viewport: PHONE, locale: 'fr-FR' });
  await signInAtProvider(page, baseUrl, 'linda-at-idp');
  await page.locator('.oidc-card', { hasText: 'Test IdP' }).waitFor();
  await page.locator('#oidc-link-username').fill('linda');
  await page.locator('#oidc-link-password').fill('not her password');
  await page.locator('.oidc-link-account button[type=submit]').click();
  await page.locator('.oidc-link-account [role=alert]:not(:empty)').waitFor();
  await page.locator('.oidc-link-account').scrollIntoViewIfNeeded();
  await page.screenshot({ path: world.screenshot('oidc-05-link-wrong-password-fr-phone') });
  await page.locator('#oidc-link-password').fill(PASSWORD);
  await page.locator('.oidc-link-account button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();

  await page.goto(`${baseUrl}/settings`);
  const linked = page.locator('.linked-accounts li', { hasText: 'Test IdP' });
  await linked.waitFor();
  await linked.scrollIntoViewIfNeeded();
  await page.screenshot({ path: world.screenshot('oidc-06-settings-linked-fr-phone') });
  await linked.locator('button.unlink').click();
  await linked.locator('.confirm-question .confirm').click();
  await page.locator('.linked-accounts li.muted').waitFor();
  assert(await page.locator('.linked [role=status]').textContent().then((text) => text.includes('Test IdP')), 'the unlink said so');
  await page.context().close();
}

async function brokenReturns(world, { baseUrl }) {
  const page = await newDevice(world);
  await page.goto(`${baseUrl}/#oidc-error=state`);
  await page.locator('[role=alert]', { hasText: 'That sign-in took too long or was already finished' }).waitFor();
  assertEqual(new URL(page.url()).hash, '', 'the reason left the address bar');
  await shootBoth(world, page, '07-login-error');
  // (From another path than /login, where the last one ended: a change of the fragment alone
  // would not load the page again.)
  await page.goto(`${baseUrl}/#oidc-error=%3Cb%3Enew_reason%3C%2Fb%3E`);
  await page.locator('[role=alert]', { hasText: 'Signing in with that service did not work' }).waitFor();
  await page.goto(`${baseUrl}/#oidc=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
  await page.locator('[role=alert]', { hasText: 'This sign-in has expired or was already used' }).waitFor();
  await shootBoth(world, page, '08-ticket-refused');
  await page.getByRole('link', { name: 'Back to log in' }).click();
  await page.locator('#auth-username').waitFor();
  await page.context().close();
}

// An account made by the provider has no password: Settings offers "Set a password" (no
// current password), which takes a confirmation through the provider first.
async function passwordless(world, { baseUrl }) {
  const page = await newDevice(world);
  await signInAtProvider(page, baseUrl, 'pia');
  await page.locator('#oidc-username').fill('piaweb');
  await page.locator('.oidc-new-account button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();
  await page.goto(`${baseUrl}/settings`);
  const setPassword = page.locator('form', { has: page.locator('#new-password') });
  await page.getByRole('heading', { name: 'Set a password' }).waitFor();
  await page.locator('.two-step-state', { hasText: 'your linked account alone signs you in' }).waitFor();
  assertEqual(await page.locator('#old-password, #email-password, #two-step-password, #delete-password').count(), 0,
    'no password field for an account without one');
  await page.locator('#new-password').fill('pia has a password now');
  await setPassword.locator('button[type=submit]').click();
  await setPassword.locator('[role=status]', { hasText: 'First confirm it’s you' }).waitFor();
  await page.locator('.identity-confirmation').scrollIntoViewIfNeeded();
  await shootBoth(world, page, '09-set-password-confirm-first');

  // The provider remembers the sign-in: straight back to Settings, confirmed.
  await page.getByRole('button', { name: 'Confirm with Test IdP' }).click();
  await page.locator('.identity-confirmation [role=status]', { hasText: 'Confirmed.' }).waitFor();
  assertEqual(new URL(page.url()).pathname, '/settings', 'back in Settings');
  assertEqual(new URL(page.url()).hash, '', 'the ticket left the address bar');
  await page.locator('.identity-confirmation').scrollIntoViewIfNeeded();
  await shootBoth(world, page, '10-identity-confirmed');
  await page.locator('#new-password').fill('pia has a password now');
  await setPassword.locator('button[type=submit]').click();
  await page.locator('form [role=status]', { hasText: 'Password set.' }).waitFor();
  await page.getByRole('heading', { name: 'Change password' }).waitFor();
  await page.locator('#old-password').waitFor();
  await page.locator('#new-password').scrollIntoViewIfNeeded();
  await shootBoth(world, page, '11-password-set');
  const login = await api(baseUrl, 'POST', '/sessions', { body: { username: 'piaweb', password: 'pia has a password now' } });
  assert(login.token, 'the new password logs in');
  await page.context().close();
}

async function passwordlessAccount(world) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-oidc-'));
  let setup;
  try {
    setup = await startWorld(world, dir);
    await passwordless(world, setup);
    const own = world.securityProblems.filter((problem) => !problem.includes(setup.provider.issuer));
    world.securityProblems.splice(0, world.securityProblems.length, ...own);
  } finally {
    setup?.server.stop();
    setup?.provider.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oidcSignIn(world) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-oidc-'));
  let setup;
  try {
    setup = await startWorld(world, dir);
    await firstSignIn(world, setup);
    await linkExisting(world, setup);
    await brokenReturns(world, setup);
    // The provider's own login page is no page of Parley's: its headers are not under test.
    const own = world.securityProblems.filter((problem) => !problem.includes(setup.provider.issuer));
    world.securityProblems.splice(0, world.securityProblems.length, ...own);
  } finally {
    setup?.server.stop();
    setup?.provider.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const oidcScenarios = [['sign in with OpenID Connect: new account, link, linked accounts, errors', oidcSignIn],
  ['an account without a password: confirm with the provider, then set one', passwordlessAccount]];
