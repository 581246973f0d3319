// Scenarios of a busy chat as the big apps show it: an "Unread messages" line where the unread
// part begins, one sender's messages grouped, Up in the empty field editing my last message
// (with Save instead of Send), a right-click opening a message's menu. Self-contained: Zoe and
// Abe (English desktops), friends, made here.
import { bubbles, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice } from './lib/people.mjs';
import { assert, assertEqual } from './lib/wait.mjs';

async function busyChat(world) {
  await makeFriends(world, await createPerson(world, 'zoe', 'Zoe'), await createPerson(world, 'abe', 'Abe'));
  const zoe = await newDevice(world);
  const abe = await newDevice(world);
  await loginViaUi(zoe, world.baseUrl, 'zoe');
  await startChat(zoe, 'abe');
  await sendText(zoe, 'are you around?');
  await bubbles(zoe, 'are you around?').waitFor();
  await zoe.locator('a.friends-link').click(); // away from the chat
  await loginViaUi(abe, world.baseUrl, 'abe');
  await abe.locator('.conversation a', { hasText: 'Zoe' }).click();
  for (const text of ['yes!', 'just got back', 'what is up?']) {
    await sendText(abe, text);
    await bubbles(abe, text).waitFor();
  }
  await abe.locator('.message.mine .tick[data-state=delivered]').nth(2).waitFor();

  // Zoe's list counts the three first (a "delivered" tick may come before her page has them).
  await zoe.locator('.conversation a', { hasText: 'Abe' }).locator('.unread-badge', { hasText: '3' }).waitFor();
  await zoe.locator('.conversation a', { hasText: 'Abe' }).click();
  const list = zoe.locator('.message-list').first();
  await list.locator('.unread-divider', { hasText: 'Unread messages' }).waitFor();
  const order = await list.locator('> li').evaluateAll((nodes) => nodes.map((n) => (n.classList.contains('unread-divider') ? 'divider' : n.textContent.trim().slice(0, 12))));
  assertEqual(order.indexOf('divider') + 1, order.findIndex((text) => text.includes('yes!')), `the line sits right before the first unread: ${JSON.stringify(order)}`);
  assertEqual(await zoe.locator('.message.theirs.continued').count(), 2, 'the two after the first join it');
  await zoe.screenshot({ path: world.screenshot('33-busy-chat-divider-groups') });

  await zoe.locator('#composer-text').press('ArrowUp');
  assertEqual(await zoe.locator('#composer-text').inputValue(), 'are you around?', 'Up edits my last message');
  await zoe.locator('.composer button.send', { hasText: 'Save' }).waitFor();
  await zoe.locator('#composer-text').press('Escape');
  await zoe.locator('.composer button.send', { hasText: 'Send' }).waitFor();

  await bubbles(zoe, 'just got back').click({ button: 'right' });
  await zoe.locator('.message-menu .menu-reply').waitFor();
  await zoe.screenshot({ path: world.screenshot('34-right-click-menu') });
  await zoe.keyboard.press('Escape');

  // A new message adds its own bubble and builds nothing else again: every node shown before
  // is still the same node (an expando set on each survives), the divider and groups too.
  const shownBefore = await list.locator('> li').evaluateAll((nodes) => nodes.map((node) => { node.keptNode = true; return node.className; }));
  await sendText(abe, 'one more thing');
  await bubbles(zoe, 'one more thing').waitFor();
  await zoe.locator('.message.theirs', { hasText: 'one more thing' }).and(zoe.locator('[data-unread=false]')).waitFor(); // read, re-rendered
  const kept = await list.locator('> li').evaluateAll((nodes) => nodes.map((node) => (node.keptNode ? 'kept' : node.textContent.trim())));
  assertEqual(kept.filter((entry) => entry === 'kept').length, shownBefore.length, `every node shown before is kept: ${JSON.stringify(kept)}`);
  assertEqual(kept.length, shownBefore.length + 1, `one node added: ${JSON.stringify(kept)}`);
  assert(kept[kept.length - 1].includes('one more thing'), 'the new bubble is the last');
  assertEqual(await zoe.locator('.message.theirs.continued').count(), 3, 'and joins the group');
  for (const page of [zoe, abe]) await page.context().close();
}

export const busyChatScenarios = [
  ['busy chat: "Unread messages" line, grouped messages, Up edits my last (Save), right-click opens the menu; a new message adds one node and rebuilds none', busyChat],
];
