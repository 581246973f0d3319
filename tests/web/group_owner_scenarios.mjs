// Scenarios of what only a group's owner and admins do: invite codes, public/private, transfer
// of ownership and deletion. Run after social_scenarios.mjs: alice owns "Crew 2" with bob as
// admin; dave is registered here and joins with a code. Every wait is on a condition in the page.
import { registerViaUi } from './lib/app.mjs';
import { assertEqual } from './lib/wait.mjs';

const memberRow = (page, name) => page.locator('.group-panel .members .person', { hasText: name });
const groupRow = (page) => page.locator('.conversation.group', { hasText: 'Crew 2' });

async function openPanel(page) {
  await groupRow(page).locator('a').click();
  await page.locator('.chat-title', { hasText: 'Crew 2' }).waitFor();
  await page.locator('.group-info-button').click();
  await page.locator('.group-panel .members').waitFor();
}

async function inviteTransferDelete(world) {
  const { alice, bob } = world;
  await openPanel(alice);
  await alice.locator('#group-public').check();
  await alice.locator('.event-line[data-event=visibility_changed]', { hasText: 'Alice made the group public' }).waitFor();
  await alice.locator('.group-panel .make-invite').click();
  const codeInput = alice.locator('.group-panel .invite-code');
  await codeInput.waitFor();
  const code = await codeInput.inputValue();
  assertEqual(/^[0-9a-f]{32}$/.test(code), true, 'a 32-hex invite code is shown');
  await alice.locator('.group-panel .copy-invite').waitFor();

  const context = await world.browser.newContext({ viewport: { width: 1100, height: 720 } });
  const dave = await context.newPage();
  dave.on('pageerror', (error) => world.pageErrors.push(error.message));
  await registerViaUi(dave, world.baseUrl, 'dave', 'Dave');
  await dave.locator('a.new-group-link').click();
  await dave.locator('#join-code').fill('0'.repeat(32));
  await dave.locator('.join-group button[type=submit]').click();
  await dave.locator('.join-group .form-error', { hasText: 'No group has this code' }).waitFor();
  await dave.locator('#join-code').fill(code);
  await dave.locator('.join-group button[type=submit]').click();
  await dave.locator('.chat-title', { hasText: 'Crew 2' }).waitFor();
  for (const page of [alice, dave]) {
    await page.locator('.event-line[data-event=member_added]', { hasText: 'Dave joined' }).waitFor();
  }
  await groupRow(dave).waitFor();
  await memberRow(alice, 'Dave').waitFor();
  await alice.screenshot({ path: world.screenshot('15-group-invite') });

  await memberRow(alice, 'Dave').locator('button', { hasText: 'Transfer ownership' }).click();
  for (const page of [alice, dave]) {
    await page.locator('.event-line[data-event=ownership_transferred]', { hasText: 'Alice made Dave the owner' }).waitFor();
  }
  await alice.locator('.group-panel .delete-group').waitFor({ state: 'detached' });
  assertEqual(await alice.locator('.group-panel button', { hasText: 'Transfer ownership' }).count(), 0, 'the old owner transfers nothing');
  assertEqual(await alice.locator('.group-panel button', { hasText: 'Make admin' }).count(), 0, 'the old owner changes no roles');
  await alice.locator('.group-panel .make-invite').waitFor(); // now an admin: still invites

  await dave.locator('.group-info-button').click();
  await dave.locator('.group-panel .delete-group').click();
  await dave.locator('.group-panel .confirm-delete .cancel').click();
  await dave.locator('.group-panel .delete-group').click();
  await dave.screenshot({ path: world.screenshot('16-group-delete-confirm') });
  await dave.locator('.group-panel .confirm-delete .confirm').click();
  await dave.locator('.placeholder').waitFor(); // back home
  for (const page of [alice, bob, dave]) await groupRow(page).waitFor({ state: 'detached' });
  await context.close();
}

export const groupOwnerScenarios = [
  ['group owner: public toggle, invite code, join with it, transfer ownership, delete', inviteTransferDelete],
];
