// The tour: every screen of the app as a new person sees it, in English, Chinese and French,
// on a desktop and on a phone. Each screenshot (tour-<lang>-<form>-NN-<screen>.png) also runs
// the checks every screenshot runs (lib/visible_text.mjs): no rendered value or raw error code
// in the visible text, and no serious or critical axe violation. Self-contained: each round
// makes its own person, a friend who writes first and a group, through the API. The person is a
// server admin (the first round claims the setup token, later ones get the role from the
// first), and the friend reports them, for the admin page.
import { api, loginViaUi, sendText } from './lib/app.mjs';
import { createGroup, createPerson, DESKTOP, newDevice, PHONE } from './lib/people.mjs';

const ROUNDS = [
  ['en', 'en-US', 'desktop', DESKTOP], ['en', 'en-US', 'phone', PHONE],
  ['zh', 'zh-CN', 'desktop', DESKTOP], ['zh', 'zh-CN', 'phone', PHONE],
  ['fr', 'fr-FR', 'desktop', DESKTOP], ['fr', 'fr-FR', 'phone', PHONE],
];

// Moves within the app as its own links do (no reload): the History API and popstate.
async function go(page, path) {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

async function tour(world, [lang, locale, form, viewport]) {
  const tag = `${lang}${form[0]}`;
  const me = await createPerson(world, `tour${tag}`, { en: 'Nina Tour', zh: '旅行者', fr: 'Noé Visite' }[lang]);
  const friend = await createPerson(world, `pal${tag}`, { en: 'Omar', zh: '小明', fr: 'Paule' }[lang]);
  await api(world.baseUrl, 'POST', '/friends/requests', { token: friend.token, body: { to: me.id } });
  await api(world.baseUrl, 'POST', `/friends/requests/${friend.id}/accept`, { token: me.token });
  const group = await createGroup(world, me, { en: 'Book club', zh: '读书会', fr: 'Club de lecture' }[lang], [friend]);
  if (!world.tourAdmin) {
    await api(world.baseUrl, 'POST', '/admin/setup', { token: me.token, body: { setup_token: world.adminSetupToken } });
    world.tourAdmin = me;
  } else {
    await api(world.baseUrl, 'PUT', `/admin/users/${me.id}`, { token: world.tourAdmin.token, body: { admin: true } });
  }
  const { report } = await api(world.baseUrl, 'POST', '/reports', {
    token: friend.token, body: { user_id: me.id, reason: { en: 'Too many pizza messages', zh: '披萨消息太多了', fr: 'Trop de messages sur la pizza' }[lang] },
  });
  const page = await newDevice(world, { viewport, locale });
  const shot = (n, screen) => page.screenshot({ path: world.screenshot(`tour-${lang}-${form}-${n}-${screen}`) });

  await page.goto(`${world.baseUrl}/login`);
  await page.locator('#auth-username').waitFor();
  await shot('01', 'login');
  await go(page, '/register');
  await page.locator('#auth-display-name').waitFor();
  await shot('02', 'register');
  await loginViaUi(page, world.baseUrl, `tour${tag}`);
  await page.locator('.conversation', { hasText: group.name }).waitFor();
  await shot('03', 'list');

  await go(page, `/new/${friend.id}`);
  await page.locator('#composer-text').waitFor();
  await sendText(page, { en: 'Hello! Pizza tonight?', zh: '你好！今晚吃 pizza 吗？', fr: 'Salut ! Pizza ce soir ?' }[lang]);
  await page.locator('.message.mine .tick:not([data-state=sending])').waitFor();
  await shot('04', 'chat');
  await page.locator('.message.mine .bubble').first().click({ button: 'right' });
  await page.locator('.message-menu .menu-reply').waitFor();
  await shot('05', 'message-menu');
  await page.keyboard.press('Escape');

  await go(page, `/chat/${group.id}`);
  await page.locator('.group-info-button').click();
  await page.locator('.group-panel .members .person').first().waitFor();
  await shot('06', 'group-panel');
  await page.goBack(); // the panel has a history entry of its own
  await page.locator('.group-panel').waitFor({ state: 'detached' });
  await page.waitForFunction(() => !history.state?.overlay);

  await go(page, '/friends');
  await page.locator('.friends .person').first().waitFor();
  await shot('07', 'friends');
  await go(page, '/new-group');
  await page.locator('#group-name').waitFor();
  await shot('08', 'new-group');
  await go(page, '/search?q=pizza');
  await page.locator('.found-message').first().waitFor();
  await shot('09', 'search');
  await go(page, '/settings');
  await page.locator('#push-toggle, #notify-desktop').first().waitFor();
  await shot('10', 'settings');
  await page.locator('a.admin-link').click();
  await page.locator(`.report[data-report="${report.id}"]`).waitFor();
  await shot('11', 'admin');
  await page.locator(`.report[data-report="${report.id}"] .resolve-dismiss`).click();
  await page.locator(`.report[data-report="${report.id}"]`).waitFor({ state: 'detached' });
  await page.context().close();
}

export const tourScenarios = ROUNDS.map((round) => [`tour: every screen in ${round[0]} on a ${round[2]}, checked by axe and for leaked values`, (world) => tour(world, round)]);
