// My data in the browser (docs/protocol.md, "Downloading my data" and "Deleting the account"),
// one short scenario: a person with a friend prepares their export in Settings > My data,
// watches it become ready, downloads the zip (checked to be a zip), then deletes the account
// with the password and the confirmation, and lands on the sign-in screen; the friend's app
// shows "Deleted user". Then the section on a phone in Chinese and French. Screenshots
// (my-data-*.png): the ready export, the confirmation, the friend's view, and each phone.
import { readFileSync } from 'node:fs';
import { api, loginViaUi, PASSWORD, sendText, startChat } from './lib/app.mjs';
import { createPerson, DESKTOP, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assert } from './lib/wait.mjs';

async function exportAndDelete(world) {
  const leaving = await createPerson(world, 'leaving', 'Lee Leaving');
  const friend = await createPerson(world, 'staying', 'Sam Staying');
  await makeFriends(world, leaving, friend);
  const page = await newDevice(world, { viewport: DESKTOP });
  await loginViaUi(page, world.baseUrl, 'leaving');
  await startChat(page, 'staying');
  await sendText(page, 'goodbye soon');

  await page.goto(`${world.baseUrl}/settings`);
  const section = page.locator('.account-data');
  await section.getByRole('button', { name: 'Prepare my data' }).click();
  const downloadButton = section.getByRole('button', { name: 'Download my data' });
  await downloadButton.waitFor();
  await downloadButton.scrollIntoViewIfNeeded();
  await page.screenshot({ path: world.screenshot('my-data-01-ready') });
  const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
  const bytes = readFileSync(await download.path());
  assert(bytes.subarray(0, 2).toString() === 'PK', 'the download is a zip');

  await page.locator('#delete-password').fill(PASSWORD);
  await section.locator('.confirm-step > button').click();
  await section.locator('.confirm-question').waitFor();
  await page.screenshot({ path: world.screenshot('my-data-02-confirm') });
  await section.locator('.confirm-question .confirm').click();
  await page.locator('#auth-username').waitFor();
  await page.context().close();

  // The friend sees a deleted user, and the message as deleted.
  const other = await newDevice(world, { viewport: DESKTOP });
  await loginViaUi(other, world.baseUrl, 'staying');
  await other.locator('.conversation-list', { hasText: 'Deleted user' }).waitFor();
  await other.screenshot({ path: world.screenshot('my-data-03-friend') });
  const { conversations } = await api(world.baseUrl, 'GET', '/conversations', { token: friend.token });
  const { messages } = await api(world.baseUrl, 'GET', `/conversations/${conversations[0].id}/messages`, { token: friend.token });
  assert(messages.some((m) => m.deleted) && messages.every((m) => m.text !== 'goodbye soon'), 'the message is a tombstone');
  await other.context().close();
}

async function phones(world) {
  for (const [lang, locale, name] of [['zh', 'zh-CN', '张数据'], ['fr', 'fr-FR', 'Dana Données']]) {
    await createPerson(world, `mydata${lang}`, name);
    const page = await newDevice(world, { viewport: PHONE, locale });
    await loginViaUi(page, world.baseUrl, `mydata${lang}`);
    await page.goto(`${world.baseUrl}/settings`);
    const section = page.locator('.account-data');
    await section.locator('.row button').waitFor();
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: world.screenshot(`my-data-04-phone-${lang}`) });
    await page.context().close();
  }
}

export const accountDataScenarios = [
  ['my data: export, download and delete the account', exportAndDelete],
  ['my data: the section on a phone in Chinese and French', phones],
];
