// Scenarios of a server that cannot be reached while the browser's network is fine: the
// banner says so with a countdown to the next attempt and "Retry now", friends' presence turns
// unknown (never a stale green), and everything is current again once the server answers.
// Self-contained: Tara (Chinese phone) and Uma (English desktop), friends, made here. Tara's
// WebSocket goes through a route that, while `down`, drops it at its first frame (the hello),
// as a server that is down would.
import { loginViaUi } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual, eventually } from './lib/wait.mjs';

async function serverUnreachable(world) {
  await makeFriends(world, await createPerson(world, 'tara', 'Tara'), await createPerson(world, 'uma', 'Uma'));
  const uma = await newDevice(world);
  await loginViaUi(uma, world.baseUrl, 'uma');
  const tara = await newDevice(world, { viewport: PHONE, locale: 'zh-CN' });
  let down = false;
  let socket = null;
  let attempts = 0;
  await tara.routeWebSocket(/\/ws$/, (route) => {
    attempts += 1;
    socket = route;
    if (down) route.onMessage(() => route.close({ code: 1011, reason: 'down' }));
    else route.connectToServer();
  });
  await loginViaUi(tara, world.baseUrl, 'tara');
  await tara.locator('a.friends-link').click();
  const umaDot = tara.locator('.friends .person', { hasText: 'Uma' }).locator('.presence-dot');
  await eventually(async () => assertEqual(await umaDot.getAttribute('data-status'), 'online', 'uma online'), 'uma online');

  down = true;
  socket.close({ code: 1011, reason: 'down' });
  const banner = tara.locator('.connection-banner');
  await banner.locator('[role=status]', { hasText: '无法连接服务器。' }).waitFor();
  await banner.locator('.countdown', { hasText: '秒后重试' }).waitFor();
  await eventually(async () => assertEqual(await umaDot.getAttribute('data-status'), 'unknown', 'presence unknown'), 'presence greyed');
  assertEqual(await umaDot.getAttribute('aria-label'), '断开连接时无法得知', 'said as unknown');
  await tara.screenshot({ path: world.screenshot('28-server-unreachable-zh-phone') });
  const before = attempts;
  await banner.locator('button', { hasText: '立即重试' }).click(); // still down: refused again
  await eventually(async () => assertEqual(attempts > before, true, 'Retry now connects at once'), 'a new attempt');
  await banner.locator('.countdown', { hasText: '秒后重试' }).waitFor();

  down = false;
  // Retry now, unless the app's own next attempt (its countdown may be short) got there first:
  // either way the banner goes once the server answers.
  await banner.locator('button', { hasText: '立即重试' }).click({ timeout: 2000 }).catch(() => {});
  await banner.waitFor({ state: 'hidden' });
  await eventually(async () => assertEqual(await umaDot.getAttribute('data-status'), 'online', 'uma online again'), 'presence current again');
  for (const page of [tara, uma]) await page.context().close();
}

export const unreachableScenarios = [
  ['server unreachable: "Can\'t reach the server", a countdown and Retry now; presence unknown, then current again', serverUnreachable],
];
