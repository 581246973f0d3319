// Scenarios of a direct chat with someone who is not a friend yet: the chat says so up front,
// with the action that moves it on, from the new-chat flow on; the answer reaches both sides
// live; removing the friend again asks first, with the name. Self-contained: Kim (English desktop) and Lee (Chinese phone), made here and not
// friends. (The test server lets non-friends message each other; the note says what stands
// either way.)
import { bubbles, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createPerson, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

const note = (page) => page.locator('.friendship-note');

async function notFriendsYet(world) {
  await createPerson(world, 'kim', 'Kim');
  await createPerson(world, 'lee', 'Lee');
  const kim = await newDevice(world);
  await loginViaUi(kim, world.baseUrl, 'kim');
  await startChat(kim, 'lee'); // a draft chat: nothing sent yet
  await note(kim).locator('.friendship-text', { hasText: "Lee isn't your friend yet." }).waitFor();
  await kim.screenshot({ path: world.screenshot('22-not-a-friend-en-desktop') });
  await sendText(kim, 'hello Lee, we met at the café');
  await note(kim).locator('button', { hasText: 'Send friend request' }).click();
  await note(kim).locator('.friendship-text', { hasText: 'Friend request sent to Lee.' }).waitFor();
  assertEqual(await note(kim).locator('button').count(), 0, 'nothing more to do while it waits');

  const lee = await newDevice(world, { viewport: PHONE, locale: 'zh-CN' });
  await loginViaUi(lee, world.baseUrl, 'lee');
  await lee.locator('.conversation a', { hasText: 'Kim' }).click();
  await bubbles(lee, 'hello Lee').waitFor();
  await note(lee).locator('.friendship-text', { hasText: 'Kim 想加你为好友。' }).waitFor();
  await lee.screenshot({ path: world.screenshot('23-not-a-friend-zh-phone') });
  await note(lee).locator('button', { hasText: '接受' }).click();
  for (const page of [lee, kim]) await note(page).waitFor({ state: 'hidden' }); // friends now, live

  // Removing the friend asks first, naming Lee; then the chat says where things stand again.
  await lee.locator('.chat .back').click();
  await lee.locator('a.friends-link').click();
  const kimRow = lee.locator('.friends .person', { hasText: 'Kim' });
  await kimRow.locator('button', { hasText: '删除' }).click();
  await kimRow.locator('.confirm-text', { hasText: '将 Kim 从好友中删除？' }).waitFor();
  await lee.screenshot({ path: world.screenshot('23b-remove-friend-confirm-zh-phone') });
  await kimRow.locator('.confirm').click();
  await kimRow.waitFor({ state: 'detached' });
  await note(kim).locator('.friendship-text', { hasText: "Lee isn't your friend yet." }).waitFor(); // live, in Kim's open chat
  for (const page of [kim, lee]) await page.context().close();
}

export const notFriendsScenarios = [
  ['not a friend yet: said up front in a new chat, with Send friend request; Accept on the other side; gone for both once friends', notFriendsYet],
];
