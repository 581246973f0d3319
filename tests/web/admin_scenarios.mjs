// Scenarios of reports and the admin page (docs/protocol.md, "Reports", "Administration"),
// self-contained: Ada becomes the server admin with the setup token parleyd printed; Sam writes
// to Rita, Rita reports one of his messages from the chat's message menu with a reason; Ada
// opens the admin page from her settings (desktop and phone), sees the report and deletes the
// message, which Rita's chat then shows deleted; Rita reports Sam's public group from its panel
// (desktop and phone), Ada sees the group as reported (name, topic, members, owner) and makes it
// private; Ada disables Sam, whose login then says why in words. Every wait is on a condition in
// the page.
import { api, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createGroup, createPerson, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

const messageItem = (page, text) => page.locator('.message', { hasText: text });

async function openMenu(page, text) {
  const item = messageItem(page, text).first();
  await item.hover();
  await item.locator('.message-actions').click();
  await page.locator('.message-menu').waitFor();
}

async function openChatWith(page, name) {
  await page.locator('.conversation a', { hasText: name }).click();
  await page.locator('.chat-title', { hasText: name }).waitFor();
}

async function reportAndResolve(world) {
  const ada = await createPerson(world, 'ada', 'Ada');
  await api(world.baseUrl, 'POST', '/admin/setup', { token: ada.token, body: { setup_token: world.adminSetupToken } });
  const rita = await createPerson(world, 'rita', 'Rita');
  const sam = await createPerson(world, 'sam', 'Sam');
  await makeFriends(world, rita, sam);

  const samPage = await newDevice(world);
  await loginViaUi(samPage, world.baseUrl, 'sam');
  await startChat(samPage, 'rita');
  await sendText(samPage, 'Buy cheap watches now');
  await sendText(samPage, 'Last chance, click here');
  await messageItem(samPage, 'Last chance').waitFor();

  // Rita reports one of Sam's messages; her own messages offer no Report.
  const ritaPage = await newDevice(world);
  await loginViaUi(ritaPage, world.baseUrl, 'rita');
  await openChatWith(ritaPage, 'Sam');
  await openMenu(ritaPage, 'Buy cheap watches');
  await ritaPage.locator('.message-menu .menu-report').click();
  await ritaPage.locator('.message-menu .report-reason').fill('Spam');
  await ritaPage.screenshot({ path: world.screenshot('40-report-message') });
  await ritaPage.locator('.message-menu .report-send').click();
  await ritaPage.locator('.chat-alert', { hasText: 'Your report was sent' }).waitFor();

  // On a phone the same menu offers Report too.
  const ritaPhone = await newDevice(world, { viewport: PHONE });
  await loginViaUi(ritaPhone, world.baseUrl, 'rita');
  await openChatWith(ritaPhone, 'Sam');
  await openMenu(ritaPhone, 'Last chance');
  await ritaPhone.locator('.message-menu .menu-report').click();
  await ritaPhone.locator('.message-menu .report-reason').waitFor();
  await ritaPhone.screenshot({ path: world.screenshot('40b-report-message-phone') });

  // Ada reaches the admin page from her settings and sees the open report.
  const adaPage = await newDevice(world);
  await loginViaUi(adaPage, world.baseUrl, 'ada');
  await adaPage.goto(`${world.baseUrl}/settings`);
  await adaPage.locator('a.admin-link').click();
  const report = adaPage.locator('.report', { hasText: 'Rita reported a message from Sam' });
  await report.locator('.report-reason', { hasText: 'Spam' }).waitFor();
  await adaPage.screenshot({ path: world.screenshot('41-admin-reports') });
  const adaPhone = await newDevice(world, { viewport: PHONE });
  await loginViaUi(adaPhone, world.baseUrl, 'ada');
  await adaPhone.goto(`${world.baseUrl}/admin`);
  await adaPhone.locator('.report', { hasText: 'Rita reported a message from Sam' }).waitFor();
  await adaPhone.screenshot({ path: world.screenshot('41b-admin-reports-phone') });

  // Deleting the message resolves the report; both sides see the message deleted.
  await report.locator('.resolve-delete').click();
  await adaPage.locator('.admin .form-status', { hasText: 'Report resolved.' }).waitFor();
  await adaPage.locator('.report-list .empty', { hasText: 'No open reports.' }).waitFor();
  for (const page of [ritaPage, samPage]) {
    await page.locator('.message.deleted').waitFor();
  }
  assertEqual(await messageItem(ritaPage, 'Buy cheap watches').count(), 0, 'the text is gone');
  await adaPage.screenshot({ path: world.screenshot('41c-admin-resolved') });

  await reportGroup(world, { ritaPage, ritaPhone, adaPage, adaPhone, sam, rita });

  // A disabled account's login says so in words.
  await api(world.baseUrl, 'POST', `/admin/users/${sam.id}/disable`, { token: ada.token });
  const samAgain = await newDevice(world, { viewport: PHONE });
  await samAgain.goto(`${world.baseUrl}/login`);
  await samAgain.locator('#auth-username').fill('sam');
  await samAgain.locator('#auth-password').fill('correct horse battery');
  await samAgain.locator('form button[type=submit]').click();
  await samAgain.locator('.form-error', { hasText: 'A server admin has disabled this account' }).waitFor();
  await samAgain.screenshot({ path: world.screenshot('42-login-disabled-phone') });
  for (const page of [samPage, ritaPage, ritaPhone, adaPage, adaPhone, samAgain]) await page.context().close();
}

async function openGroupPanel(page, name) {
  await page.locator('.conversation.group a', { hasText: name }).click();
  await page.locator('.chat-title', { hasText: name }).waitFor();
  await page.locator('.group-info-button').click();
  await page.locator('.group-panel .members').waitFor();
}

// Rita reports Sam's public group from its panel; Ada sees what Rita saw and makes it private.
async function reportGroup(world, { ritaPage, ritaPhone, adaPage, adaPhone, sam, rita }) {
  const group = await createGroup(world, sam, 'Watch deals', [rita]);
  await api(world.baseUrl, 'PATCH', `/groups/${group.id}`, { token: sam.token, body: { topic: 'Cheap watches', is_public: true } });
  await openGroupPanel(ritaPage, 'Watch deals');
  await ritaPage.locator('.group-panel .report-group').click();
  await ritaPage.locator('.group-panel .report-reason').fill('Sells fake watches');
  await ritaPage.screenshot({ path: world.screenshot('43-report-group') });
  await ritaPage.locator('.group-panel .report-send').click();
  await ritaPage.locator('.group-panel .report-status', { hasText: 'Your report was sent' }).waitFor();
  await ritaPhone.goto(`${world.baseUrl}/`);
  await openGroupPanel(ritaPhone, 'Watch deals');
  await ritaPhone.locator('.group-panel .report-group').click();
  await ritaPhone.locator('.group-panel .report-reason').waitFor();
  await ritaPhone.screenshot({ path: world.screenshot('43b-report-group-phone') });

  await adaPage.reload();
  const report = adaPage.locator('.report', { hasText: 'Rita reported the group “Watch deals” owned by Sam' });
  await report.locator('.report-snapshot', { hasText: 'Cheap watches' }).waitFor();
  assertEqual(await report.locator('.resolve-delete').count(), 0, 'no message to delete');
  await adaPage.screenshot({ path: world.screenshot('44-admin-group-report') });
  await adaPhone.reload();
  await adaPhone.locator('.report .report-snapshot', { hasText: 'Public (in the directory)' }).waitFor();
  await adaPhone.screenshot({ path: world.screenshot('44b-admin-group-report-phone') });
  await report.locator('.resolve-private').click();
  await adaPage.locator('.admin .form-status', { hasText: 'Report resolved.' }).waitFor();
  const directory = await api(world.baseUrl, 'GET', '/groups/public?q=Watch', { token: rita.token });
  assertEqual(directory.groups.length, 0, 'out of the directory');
}

export const adminScenarios = [
  ['a user reports a message and a group; the admin page lists them, deletes the message, makes the group private; a disabled login says why', reportAndResolve],
];
