// The scenarios, in order: each is async (world) and throws on failure. They share one server;
// `world` carries the browser, the base URL, the screenshot path helper and the pages of the
// people created along the way (alice, bob, carol, dave).
import { api, bubbles, loginViaUi, PASSWORD, registerViaUi, sendText, startChat, tokenOf } from './lib/app.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';
import { attentionScenarios } from './attention_scenarios.mjs';
import { busyChatScenarios } from './busy_chat_scenarios.mjs';
import { draftsScenarios } from './drafts_scenarios.mjs';
import { groupOwnerScenarios } from './group_owner_scenarios.mjs';
import { limitsScenarios } from './limits_scenarios.mjs';
import { narrowScenarios } from './narrow_scenarios.mjs';
import { notFriendsScenarios } from './not_friends_scenarios.mjs';
import { offlineScenarios } from './offline_scenarios.mjs';
import { retentionScenarios } from './retention_scenarios.mjs';
import { securityScenarios } from './security_scenarios.mjs';
import { socialScenarios } from './social_scenarios.mjs';
import { syncDeltaScenarios } from './sync_delta_scenarios.mjs';
import { unreachableScenarios } from './unreachable_scenarios.mjs';

const HELLO = 'hi Bob 👋 family 👩‍👩‍👧 flag 🇫🇷';
const REPLY = '你好 Alice — café ☕ 👨‍👩‍👧‍👦 🇨🇳';
const OFFLINE_TEXT = 'typed while offline 📴';

async function newPage(world, options = {}) {
  const context = await world.browser.newContext({ viewport: { width: 1100, height: 720 }, ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => world.pageErrors.push(error.message));
  return page;
}

async function tickState(page, text) {
  return page.locator('.message.mine', { hasText: text }).locator('.tick').getAttribute('data-state');
}

async function expectTick(page, text, state) {
  await eventually(async () => assertEqual(await tickState(page, text), state, `tick of "${text}"`), `tick ${state}`);
}

async function openConversationWith(page, title) {
  await page.locator('.conversation a', { hasText: title }).click();
  await page.locator('.chat-title', { hasText: title }).waitFor();
}

async function outboxSize(page) {
  return page.evaluate(() => {
    const { user } = JSON.parse(localStorage.getItem('parley.session'));
    return JSON.parse(localStorage.getItem(`parley.outbox.${user.id}`) ?? '[]').length;
  });
}

async function chatBothWays(world) {
  world.alice = await newPage(world);
  world.bob = await newPage(world);
  await registerViaUi(world.alice, world.baseUrl, 'alice', 'Alice');
  await registerViaUi(world.bob, world.baseUrl, 'bob', 'Bob');
  const scriptBytes = await world.alice.evaluate(() => performance.getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
    .reduce((sum, entry) => sum + entry.decodedBodySize, 0));
  console.log(`     first load: ${scriptBytes} bytes of script`);
  assert(scriptBytes > 0 && scriptBytes < 200 * 1024, `first load under 200 KB of script (${scriptBytes})`);
  await world.bob.goto('about:blank'); // bob has no device online: alice's message stays "sent"

  await startChat(world.alice, 'bob');
  await sendText(world.alice, HELLO);
  await expectTick(world.alice, HELLO, 'sent');
  assertEqual(await world.alice.locator('.chat-title').textContent(), 'Bob', 'chat title');

  await world.bob.goto(world.baseUrl);
  const row = world.bob.locator('.conversation').first();
  await eventually(async () => assertEqual(await row.locator('.unread-badge').textContent(), '1', 'unread badge'), 'bob unread 1');
  await world.bob.screenshot({ path: world.screenshot('01-conversation-list') });
  await expectTick(world.alice, HELLO, 'delivered');

  await row.locator('a').click();
  await bubbles(world.bob, 'hi Bob').waitFor();
  assertEqual(await bubbles(world.bob, 'hi Bob').textContent(), HELLO, 'text as received (UTF-8, ZWJ, flag)');
  await expectTick(world.alice, HELLO, 'read');
  await eventually(async () => assertEqual(await row.locator('.unread-badge').count(), 0, 'badge gone'), 'bob badge cleared');

  await world.bob.locator('#composer-text').fill(REPLY);
  await world.bob.locator('button.send').click();
  await bubbles(world.alice, 'Alice —').waitFor();
  assertEqual(await bubbles(world.alice, 'Alice —').textContent(), REPLY, 'reply text');
  assert((await world.alice.locator('#announcer').textContent()).includes(REPLY), 'the live region announced it');
  await expectTick(world.bob, REPLY, 'read'); // alice has the chat open and visible
  await world.alice.screenshot({ path: world.screenshot('02-chat-desktop') });
}

async function keyboardOnlySend(world) {
  const page = world.bob;
  await page.locator('#composer-text').focus();
  await page.keyboard.press('Shift+Tab'); // the sticker button
  await page.keyboard.press('Shift+Tab');
  assertEqual(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Emoji', 'focus on emoji button');
  await page.keyboard.press('Enter');
  await page.locator('.emoji-picker').waitFor();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter'); // inserts 😃 at the caret, focus back in the field
  await page.keyboard.type(' by keys');
  await page.keyboard.press('Escape');
  await page.locator('.emoji-picker').waitFor({ state: 'hidden' });
  assertEqual(await page.evaluate(() => document.activeElement.id), 'composer-text', 'focus back in the field');
  await page.keyboard.press('Enter');
  await bubbles(world.alice, 'by keys').waitFor();
  assertEqual(await bubbles(world.alice, 'by keys').textContent(), '😃 by keys', 'keyboard-sent text');
  assertEqual(await page.locator('#composer-text').inputValue(), '', 'composer cleared');
}

// Links: http(s) and www. in text are anchors to a new tab, without trailing punctuation;
// markup and other schemes stay text.
async function linksInText(world) {
  const text = 'read https://example.com/a?b=1. or (www.example.org), not javascript:alert(1) <a href="x">no</a> <b>bold</b>!';
  await sendText(world.alice, text);
  const message = bubbles(world.bob, 'read https');
  await message.waitFor();
  assertEqual(await message.textContent(), text, 'the text as sent');
  const links = await message.locator('a').evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.getAttribute('href'), a.target, a.rel]));
  assertEqual(JSON.stringify(links), JSON.stringify([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1', '_blank', 'noopener noreferrer'],
    ['www.example.org', 'https://www.example.org/', '_blank', 'noopener noreferrer'],
  ]), 'the two links');
  assertEqual(await message.locator('b').count(), 0, 'markup stays text');
  await world.bob.screenshot({ path: world.screenshot('02b-links') });
}

async function seedMessages(world, count) {
  await api(world.baseUrl, 'POST', '/accounts', { body: { username: 'carol', password: PASSWORD, display_name: 'Carol' } });
  const { token } = await api(world.baseUrl, 'POST', '/sessions', { body: { username: 'carol', password: PASSWORD, device: 'seeder' } });
  const { user: alice } = await api(world.baseUrl, 'GET', '/users/alice', { token });
  const seeder = await newPage(world);
  // A page of the app: its policy lets it open the WebSocket (a JSON page's allows nothing).
  await seeder.goto(`${world.baseUrl}/login`);
  const acked = await seeder.evaluate(({ token, to, count }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    let acks = 0;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, token }));
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'synced') {
        for (let i = 1; i <= count; i += 1) {
          ws.send(JSON.stringify({ type: 'send', id: `seed-${i}`, to, text: `seed ${String(i).padStart(3, '0')} 📜` }));
        }
      } else if (frame.type === 'ack' && ++acks === count) {
        ws.close();
        resolve(acks);
      } else if (frame.type === 'error') {
        reject(new Error(JSON.stringify(frame)));
      }
    };
  }), { token, to: alice.id, count });
  assertEqual(acked, count, 'seeded messages');
  await seeder.context().close();
}

async function scrollBackThroughHistory(world) {
  await seedMessages(world, 500);
  const page = world.alice;
  await page.goto(world.baseUrl); // a reload: stays logged in
  await page.locator('.conversation', { hasText: 'seed 500' }).waitFor();
  await page.locator('.conversation a', { hasText: 'seed 500' }).click();
  await bubbles(page, 'seed 500').waitFor();
  const messages = page.locator('.messages .message');
  // Pages coming in above are added before the bubbles shown, which stay the same nodes.
  await bubbles(page, 'seed 500').evaluate((text) => { text.closest('li').keptNode = true; });
  while (!(await bubbles(page, 'seed 001').count())) {
    const before = await messages.count();
    await page.locator('.messages').evaluate((el) => { el.scrollTop = 0; });
    await eventually(async () => assert((await messages.count()) > before, 'a page came in'), 'an older page');
  }
  const seqs = await page.locator('.messages .message').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
  assertEqual(seqs.length, 500, 'every message once');
  assert(seqs.every((seq, i) => seq === i + 1), 'messages in seq order 1..500');
  assert(await bubbles(page, 'seed 500').evaluate((text) => text.closest('li').keptNode === true), 'the newest bubble was never built again');
  await page.locator('.history-note', { hasText: 'beginning' }).waitFor();
  await page.locator('.jump-latest').waitFor();
  // The pill sits under the list, never over a bubble.
  const overlap = await page.locator('.jump-latest').evaluate((pill) => {
    const a = pill.getBoundingClientRect();
    const b = document.querySelector('.messages').getBoundingClientRect();
    return Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  });
  assert(overlap <= 0, `the "Jump to latest" pill covers none of the messages (${overlap} px)`);
  await page.locator('.messages').evaluate((el) => { el.scrollTop = 0; });
  await page.screenshot({ path: world.screenshot('03-history-top') });
  await page.locator('.jump-latest').click();
  await page.locator('.jump-latest').waitFor({ state: 'hidden' });
  const inView = await bubbles(page, 'seed 500').evaluate((el) => {
    const box = el.getBoundingClientRect();
    const scroller = el.closest('.messages').getBoundingClientRect();
    return box.bottom <= scroller.bottom + 1 && box.top >= scroller.top - 1;
  });
  assert(inView, 'newest message scrolled into view');
}

async function offlineAndBack(world) {
  const page = world.alice;
  await openConversationWith(page, 'Bob');
  await page.context().setOffline(true);
  await page.locator('.connection-banner[data-status=offline]').waitFor();
  await sendText(page, OFFLINE_TEXT);
  await expectTick(page, OFFLINE_TEXT, 'sending');
  assertEqual(await outboxSize(page), 1, 'outbox holds the offline message');
  await page.screenshot({ path: world.screenshot('04-offline-banner') });
  await page.context().setOffline(false);
  await page.locator('.connection-banner').waitFor({ state: 'hidden' });
  await eventually(async () => assert((await tickState(page, OFFLINE_TEXT)) !== 'sending', 'acked'), 'offline message acked');
  await bubbles(world.bob, 'offline').waitFor();
  assertEqual(await bubbles(world.bob, 'offline').count(), 1, 'bob got it once');
  assertEqual(await outboxSize(page), 0, 'outbox empty');

  // A send whose ack was lost: the same client id is in the outbox again after a reload.
  const id = await page.locator('.message.mine', { hasText: OFFLINE_TEXT }).getAttribute('data-client-id');
  const conversationId = Number(new URL(page.url()).pathname.split('/').pop());
  await page.evaluate(({ id, conversationId, text }) => {
    const { user } = JSON.parse(localStorage.getItem('parley.session'));
    localStorage.setItem(`parley.outbox.${user.id}`, JSON.stringify([{ id, conversation_id: conversationId, text, created_at: Date.now() }]));
  }, { id, conversationId, text: OFFLINE_TEXT });
  await page.reload();
  await eventually(async () => assertEqual(await outboxSize(page), 0, 'resent and acked'), 'duplicate ack');
  await bubbles(page, 'offline').first().waitFor();
  assertEqual(await bubbles(page, 'offline').count(), 1, 'alice shows it once');
  await world.bob.reload();
  await bubbles(world.bob, 'offline').waitFor();
  assertEqual(await bubbles(world.bob, 'offline').count(), 1, 'stored once on the server');
}

// Logs `username` in on a fresh browser context (a new device with no saved language, its
// browser set to `locale`) and waits until it shows the new-chat placeholder `expected`.
async function expectPlaceholderOnNewDevice(world, username, locale, expected) {
  const device = await newPage(world, { locale });
  try {
    await loginViaUi(device, world.baseUrl, username);
    await eventually(async () => assertEqual(await device.locator('#new-chat').getAttribute('placeholder'),
      expected, 'new-chat placeholder'), `${username} on a new ${locale} device`);
  } finally {
    await device.context().close();
  }
}

async function switchLanguage(world) {
  const page = world.alice;
  await page.locator('a[href="/settings"]').click();
  await page.locator('#settings-title', { hasText: 'Settings' }).waitFor();
  // The server does not get this choice (the request fails): the reload keeps it all the same,
  // and the app sends it again, so the profile ends up in 中文 (checked on a new device below).
  const profile = '**/api/v1/account/profile';
  await page.route(profile, (route) => route.abort());
  await page.locator('#language').selectOption('zh');
  await page.locator('#settings-title', { hasText: '设置' }).waitFor();
  await page.unroute(profile);
  await page.reload();
  await page.locator('#settings-title', { hasText: '设置' }).waitFor();
  assertEqual(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'html lang');
  await page.screenshot({ path: world.screenshot('05-settings-zh') });
  // The choice is in alice's profile: an English browser she logs in on next speaks 中文 too.
  await expectPlaceholderOnNewDevice(world, 'alice', 'en-US', '发起聊天：用户名');
  await page.locator('#language').selectOption('fr');
  await page.locator('#settings-title', { hasText: 'Réglages' }).waitFor();
  await page.locator('#language').selectOption('en');
  await page.locator('#settings-title', { hasText: 'Settings' }).waitFor();
  // Quick changes end with the last one saved: a Chinese browser is switched to English.
  await expectPlaceholderOnNewDevice(world, 'alice', 'zh-CN', 'Start a chat: username');

  const french = await newPage(world, { locale: 'fr-FR' });
  await french.goto(world.baseUrl);
  await french.locator('#auth-title', { hasText: 'Connexion à Parley' }).waitFor();
  await french.context().close();
}

async function phoneLayout(world) {
  const phone = await newPage(world, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  world.bobPhone = phone;
  await loginViaUi(phone, world.baseUrl, 'bob');
  assert(await phone.locator('.list-pane').isVisible(), 'list visible');
  assert(!(await phone.locator('.main-pane').isVisible()), 'chat pane hidden on the list');
  await phone.screenshot({ path: world.screenshot('06-phone-list') });
  await phone.locator('.conversation a').first().click();
  await phone.locator('#composer-text').waitFor();
  assert(!(await phone.locator('.list-pane').isVisible()), 'list hidden in the chat');
  assert(await phone.locator('.chat .back').isVisible(), 'back button shown');
  await phone.screenshot({ path: world.screenshot('07-phone-chat') });
  await phone.locator('.chat .back').click();
  await phone.locator('.list-pane').waitFor();
}

async function sessionsPasswordLogout(world) {
  const page = world.bob;
  await page.locator('a[href="/settings"]').click();
  const rows = page.locator('.sessions li');
  await eventually(async () => assertEqual(await rows.count(), 2, 'two devices'), 'sessions listed');
  await rows.filter({ has: page.locator('button') }).locator('button').click();
  await world.bobPhone.locator('#auth-username').waitFor(); // the revoked phone is logged out
  await eventually(async () => assertEqual(await rows.count(), 1, 'one device left'), 'revoked');

  await page.locator('#old-password').fill(PASSWORD);
  await page.locator('#new-password').fill('battery staple horse');
  await page.locator('form.stack', { has: page.locator('#new-password') }).locator('button[type=submit]').click();
  await page.locator('.form-status', { hasText: 'Password changed' }).waitFor();
  await page.locator('button.danger', { hasText: 'Log out' }).click();
  await page.locator('#auth-username').waitFor();
  assertEqual(await page.evaluate(() => localStorage.getItem('parley.session')), null, 'token forgotten');
  await loginViaUi(page, world.baseUrl, 'bob', 'battery staple horse');
}

async function systemNotices(world) {
  const token = await tokenOf(world.alice);
  // Alice becomes the server admin with the one-time token parleyd printed at start.
  await api(world.baseUrl, 'POST', '/admin/setup', { token, body: { setup_token: world.adminSetupToken } });
  await api(world.baseUrl, 'POST', '/admin/notices', { token, body: { all: true, text: 'Maintenance tonight 🛠️' } });
  const page = world.bob;
  const row = page.locator('.conversation.system');
  await row.waitFor();
  await row.locator('a').click();
  await bubbles(page, 'Maintenance').waitFor();
  assert(await page.locator('.readonly-note').isVisible(), 'read-only note');
  assert(!(await page.locator('.composer').isVisible()), 'no composer in a system conversation');
  await page.screenshot({ path: world.screenshot('08-system-notice') });
}

export const scenarios = [
  ['two people chat both ways with emoji; ticks sent -> delivered -> read', chatBothWays],
  ...securityScenarios,
  ['keyboard only: emoji picker and Enter to send', keyboardOnlySend],
  ['links in messages: http(s) and www. open in a new tab; nothing else is markup', linksInText],
  ['scroll back through 500 messages of history', scrollBackThroughHistory],
  ['offline: banner, outbox, one copy after reconnect and after a lost ack', offlineAndBack],
  ['language: 中文, Français, English; automatic from the browser', switchLanguage],
  ['phone-sized layout', phoneLayout],
  ['sessions: revoke a device, change password, log out, log in', sessionsPasswordLogout],
  ['system notices: distinct and read-only', systemNotices],
  ...socialScenarios,
  ...groupOwnerScenarios,
  ...attentionScenarios,
  ...notFriendsScenarios,
  ...limitsScenarios,
  ...draftsScenarios,
  ...unreachableScenarios,
  ...offlineScenarios,
  ...narrowScenarios,
  ...busyChatScenarios,
  ...retentionScenarios,
  ...syncDeltaScenarios,
];
