// Scenarios of drafts: what is typed and not sent stays with its conversation when switching
// chats and across a reload, shows as "Draft: ..." in the list, steps aside while a sent
// message is edited, and is gone once sent. Self-contained: Quin (French desktop) with Rosa and
// Sam, friends, made here.
import { bubbles, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

const row = (page, name) => page.locator('.conversation', { hasText: name });
const field = (page) => page.locator('#composer-text');
// A first message is stored: the new chat has become its conversation's.
const stored = (page) => page.locator('.message.mine .tick:not([data-state=sending])').first().waitFor();

async function draftsKept(world) {
  const quin = await createPerson(world, 'quin', 'Quin');
  for (const [username, name] of [['rosa', 'Rosa'], ['sam', 'Sam']]) await makeFriends(world, quin, await createPerson(world, username, name));
  const page = await newDevice(world, { locale: 'fr-FR' });
  await loginViaUi(page, world.baseUrl, 'quin');
  await startChat(page, 'sam');
  await sendText(page, 'salut Sam');
  await stored(page);
  await startChat(page, 'rosa');
  await sendText(page, 'salut Rosa');
  await stored(page);
  await field(page).fill('une pensée à moitié');

  await row(page, 'Sam').locator('a').click(); // another chat: Rosa's draft shows in the list
  await row(page, 'Rosa').locator('.conversation-preview', { hasText: 'Brouillon : une pensée à moitié' }).waitFor();
  assertEqual(await field(page).inputValue(), '', 'Sam has no draft');
  await page.screenshot({ path: world.screenshot('27-draft-in-list-fr-desktop') });
  await page.reload();
  await row(page, 'Rosa').locator('.conversation-preview', { hasText: 'Brouillon' }).waitFor();
  await row(page, 'Rosa').locator('a').click();
  await page.locator('.chat-title', { hasText: 'Rosa' }).waitFor();
  assertEqual(await field(page).inputValue(), 'une pensée à moitié', 'the draft is back after a reload');

  // Editing a sent message sets the draft aside; it is back once the edit is sent.
  const mine = page.locator('.message.mine', { hasText: 'salut Rosa' });
  await mine.hover();
  await mine.locator('.message-actions').click();
  await page.locator('.menu-edit').click();
  assertEqual(await field(page).inputValue(), 'salut Rosa', 'the message to edit');
  await field(page).fill('salut Rosa !');
  await field(page).press('Enter');
  await page.locator('.message.mine .edited').waitFor();
  assertEqual(await field(page).inputValue(), 'une pensée à moitié', 'the draft is back after the edit');

  await field(page).press('Enter');
  await bubbles(page, 'une pensée à moitié').waitFor();
  await row(page, 'Sam').locator('a').click();
  await row(page, 'Rosa').locator('.conversation-preview', { hasText: 'une pensée à moitié' }).waitFor();
  assertEqual(await row(page, 'Rosa').locator('.draft-label').count(), 0, 'sent: no draft left');
  await page.context().close();
}

export const draftsScenarios = [
  ['drafts: kept per chat across switching and a reload, "Draft:" in the list, aside during an edit, gone once sent', draftsKept],
];
