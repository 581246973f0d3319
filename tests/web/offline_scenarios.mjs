// Scenario of a reload while the server is down: the service worker's offline shell (web/sw.js)
// still opens the app, with the conversation list saved on the device (saved_list.js) and the
// "Can't reach the server" banner counting down; once the server is back the app is live
// again. No API response is ever in the shell's cache, and logging out forgets the saved list.
// Runs on a server of its own (world.startServer), which it stops and starts again.
import { loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createGroup, createPerson, newDevice } from './lib/people.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const SHELL_CACHE = 'parley-shell-v1';

// The app files this page loaded that the shell's cache does not hold yet ([] once all are kept).
const missingFromShell = (page) => page.evaluate(async (cacheName) => {
  const cache = await caches.open(cacheName);
  const paths = ['/', ...performance.getEntriesByType('resource').map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && /^\/(app|styles|i18n)\//.test(url.pathname)).map((url) => url.pathname)];
  const kept = await Promise.all(paths.map((path) => cache.match(path)));
  return paths.filter((path, i) => !kept[i]);
}, SHELL_CACHE);

async function reloadWhileServerDown(world) {
  const server = await world.startServer();
  const here = { ...world, baseUrl: server.url };
  try {
    const vera = await createPerson(here, 'vera', 'Vera');
    const walt = await createPerson(here, 'walt', 'Walt');
    await createGroup(here, vera, 'Market stall', [walt]);
    const page = await newDevice(here);
    await loginViaUi(page, here.baseUrl, 'vera');
    await startChat(page, 'walt');
    await sendText(page, 'See you at the market');
    await page.locator('.message.mine .tick:not([data-state=sending])').waitFor(); // stored
    const list = page.locator('.conversation-list');
    await list.locator('li', { hasText: 'See you at the market' }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await eventually(async () => assertEqual((await missingFromShell(page)).join(' '), '', 'app files not kept'), 'the shell is kept');
    await eventually(async () => assert((await page.evaluate((id) => localStorage.getItem(`parley.list.${id}`) ?? '', vera.id)).includes('market'),
      'list saved'), 'the list is saved on the device');

    await server.pause();
    await page.reload();
    await list.locator('li', { hasText: 'Walt' }).locator('text=See you at the market').waitFor();
    await list.locator('li', { hasText: 'Market stall' }).waitFor();
    const banner = page.locator('.connection-banner');
    await banner.locator('[role=status]', { hasText: "Can't reach the server." }).waitFor();
    await banner.locator('.countdown', { hasText: 'Retrying in' }).waitFor();
    await page.screenshot({ path: world.screenshot('30-offline-reload-desktop') });

    await server.resume();
    await banner.locator('button', { hasText: 'Retry now' }).click({ timeout: 2000 }).catch(() => {}); // or the app's own attempt
    await banner.waitFor({ state: 'hidden' });
    await list.locator('li', { hasText: 'Walt' }).click();
    await sendText(page, 'Back online');
    await page.locator('.message.mine', { hasText: 'Back online' }).locator('.tick:not([data-state=sending])').waitFor();

    const cached = await page.evaluate(async (cacheName) => (await (await caches.open(cacheName)).keys()).map((r) => new URL(r.url).pathname), SHELL_CACHE);
    assert(cached.includes('/app/main.js'), `the shell holds the app: ${cached.join(' ')}`);
    assertEqual(cached.filter((path) => /^\/(api|ws|media)\b/.test(path)).join(' '), '', 'no API response in the shell cache');

    await page.locator('a[href="/settings"]').click();
    await page.locator('button', { hasText: 'Log out of this device' }).click();
    await page.locator('#auth-username').waitFor();
    assertEqual(await page.evaluate((id) => localStorage.getItem(`parley.list.${id}`), vera.id), null, 'saved list forgotten at logout');
    await page.context().close();
  } finally {
    server.stop();
  }
}

export const offlineScenarios = [
  ['offline shell: a reload while the server is down shows the saved list and the banner; live again once it is back; logout forgets the list', reloadWhileServerDown],
];
