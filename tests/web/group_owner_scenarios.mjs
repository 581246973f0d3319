// Scenarios of what only a group's owner and admins do: invite codes, public/private, transfer
// of ownership and deletion. Self-contained: Olga owns "Crew 2" with Pete as admin (made
// through the API); Dave registers in the app and joins with a code. Every wait is on a
// condition in the page.
import { api, loginViaUi, memberAction, memberRow, registerViaUi } from './lib/app.mjs';
import { createGroup, createPerson, makeFriends, newDevice } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

const groupRow = (page) => page.locator('.conversation.group', { hasText: 'Crew 2' });

async function openPanel(page) {
  await groupRow(page).locator('a').click();
  await page.locator('.chat-title', { hasText: 'Crew 2' }).waitFor();
  await page.locator('.group-info-button').click();
  await page.locator('.group-panel .members').waitFor();
}

async function inviteTransferDelete(world) {
  const olga = await createPerson(world, 'olga', 'Olga');
  const pete = await createPerson(world, 'pete', 'Pete');
  await makeFriends(world, olga, pete);
  const group = await createGroup(world, olga, 'Crew 2', [pete]);
  await api(world.baseUrl, 'PUT', `/groups/${group.id}/members/${pete.id}/role`, { token: olga.token, body: { role: 'admin' } });
  const [olgaPage, petePage] = [await newDevice(world), await newDevice(world)];
  await loginViaUi(olgaPage, world.baseUrl, 'olga');
  await loginViaUi(petePage, world.baseUrl, 'pete');
  await openPanel(olgaPage);
  await olgaPage.locator('#group-public').check();
  await olgaPage.locator('.event-line[data-event=visibility_changed]', { hasText: 'Olga made the group public' }).waitFor();
  await olgaPage.locator('.group-panel .make-invite').click();
  const codeInput = olgaPage.locator('.group-panel .invite-code');
  await codeInput.waitFor();
  const code = await codeInput.inputValue();
  assertEqual(/^[0-9a-f]{32}$/.test(code), true, 'a 32-hex invite code is shown');
  await olgaPage.locator('.group-panel .copy-invite').waitFor();

  const dave = await newDevice(world);
  await registerViaUi(dave, world.baseUrl, 'dave', 'Dave');
  await dave.locator('a.new-group-link').click();
  await dave.locator('#join-code').fill('0'.repeat(32));
  await dave.locator('.join-group button[type=submit]').click();
  await dave.locator('.join-group .form-error', { hasText: 'No group has this code' }).waitFor();
  await dave.locator('#join-code').fill(code);
  await dave.locator('.join-group button[type=submit]').click();
  await dave.locator('.chat-title', { hasText: 'Crew 2' }).waitFor();
  for (const page of [olgaPage, dave]) {
    await page.locator('.event-line[data-event=member_added]', { hasText: 'Dave joined' }).waitFor();
  }
  await groupRow(dave).waitFor();
  await memberRow(olgaPage, 'Dave').waitFor();
  await olgaPage.screenshot({ path: world.screenshot('15-group-invite') });

  // Removing and transferring ask first, with the names; Cancel leaves things as they were.
  await (await memberAction(olgaPage, 'Pete', 'Remove')).click();
  await memberRow(olgaPage, 'Pete').locator('.confirm-text', { hasText: 'Remove Pete from “Crew 2”?' }).waitFor();
  await memberRow(olgaPage, 'Pete').locator('.cancel').click();
  await memberRow(olgaPage, 'Pete').locator('button', { hasText: 'Remove' }).waitFor();
  await (await memberAction(olgaPage, 'Dave', 'Transfer ownership')).click();
  await memberRow(olgaPage, 'Dave').locator('.confirm-text', { hasText: 'Make Dave the owner of “Crew 2”? You will be an admin.' }).waitFor();
  await olgaPage.screenshot({ path: world.screenshot('15b-group-transfer-confirm') });
  await memberRow(olgaPage, 'Dave').locator('.confirm').click();
  for (const page of [olgaPage, dave]) {
    await page.locator('.event-line[data-event=ownership_transferred]', { hasText: 'Olga made Dave the owner' }).waitFor();
  }
  await olgaPage.locator('.group-panel .delete-group').waitFor({ state: 'detached' });
  assertEqual(await olgaPage.locator('.group-panel button', { hasText: 'Transfer ownership' }).count(), 0, 'the old owner transfers nothing');
  assertEqual(await olgaPage.locator('.group-panel button', { hasText: 'Make admin' }).count(), 0, 'the old owner changes no roles');
  await olgaPage.locator('.group-panel .make-invite').waitFor(); // now an admin: still invites

  await dave.locator('.group-info-button').click();
  await dave.locator('.group-panel .delete-group').click();
  await dave.locator('.group-panel .delete-controls .cancel').click();
  await dave.locator('.group-panel .delete-group').click();
  await dave.locator('.group-panel .delete-controls .confirm-text', { hasText: 'Delete “Crew 2” for everyone?' }).waitFor();
  await dave.screenshot({ path: world.screenshot('16-group-delete-confirm') });
  await dave.locator('.group-panel .delete-controls .confirm').click();
  await dave.locator('.placeholder').waitFor(); // back home
  for (const page of [olgaPage, petePage, dave]) await groupRow(page).waitFor({ state: 'detached' });
  for (const page of [olgaPage, petePage, dave]) await page.context().close();
}

export const groupOwnerScenarios = [
  ['group owner: public toggle, invite code, join with it, transfer ownership, delete', inviteTransferDelete],
];
