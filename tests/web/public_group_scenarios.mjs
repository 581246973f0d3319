// The directory of public groups and join requests (docs/protocol.md, "Join requests (public
// groups)"): Hana finds "Hiking club" by part of its topic on the New group screen (a phone),
// asks to join and sees the request sent; Gil, its owner, sees her under "Asking to join" in
// the group's panel (a desktop) and approves; the group appears in Hana's list and opens. A
// private group never shows in the directory. Screenshots groups-*.png.
import { api, loginViaUi } from './lib/app.mjs';
import { createGroup, createPerson, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

async function findAskApprove(world) {
  const gil = await createPerson(world, 'gil', 'Gil');
  const hana = await createPerson(world, 'hana', 'Hana');
  const hiking = await createGroup(world, gil, 'Hiking club', []);
  await api(world.baseUrl, 'PATCH', `/groups/${hiking.id}`, { token: gil.token, body: { is_public: true, topic: 'Weekend walks' } });
  await createGroup(world, gil, 'Walk planning (private)', []);

  const hanaPage = await newDevice(world, { viewport: PHONE });
  await loginViaUi(hanaPage, world.baseUrl, 'hana');
  await hanaPage.goto(`${world.baseUrl}/new-group`);
  await hanaPage.locator('#find-group').fill('walk');
  await hanaPage.getByRole('button', { name: 'Search' }).click();
  const found = hanaPage.locator('.public-groups .person');
  await found.first().waitFor();
  assertEqual(await found.count(), 1, 'only the public group');
  await found.locator('.person-name', { hasText: 'Hiking club' }).waitFor();
  await found.getByRole('button', { name: 'Ask to join' }).scrollIntoViewIfNeeded();
  await hanaPage.screenshot({ path: world.screenshot('groups-01-directory-phone') });
  await found.getByRole('button', { name: 'Ask to join' }).click();
  await found.locator('.asked', { hasText: 'Request sent' }).waitFor();
  await hanaPage.screenshot({ path: world.screenshot('groups-02-asked-phone') });

  const gilPage = await newDevice(world);
  await loginViaUi(gilPage, world.baseUrl, 'gil');
  await gilPage.locator('.conversation.group a', { hasText: 'Hiking club' }).click();
  await gilPage.locator('.group-info-button').click();
  const asking = gilPage.locator('.join-requests');
  await asking.locator('h4', { hasText: 'Asking to join (1)' }).waitFor();
  await asking.locator('.person-name', { hasText: 'Hana' }).waitFor();
  await gilPage.screenshot({ path: world.screenshot('groups-03-requests-desktop') });
  await asking.getByRole('button', { name: 'Approve' }).click();
  await asking.waitFor({ state: 'detached' });
  await gilPage.locator('.group-panel .members .person-name', { hasText: 'Hana' }).waitFor();

  await hanaPage.goto(`${world.baseUrl}/`);
  await hanaPage.locator('.conversation.group a', { hasText: 'Hiking club' }).click();
  await hanaPage.locator('.chat-title', { hasText: 'Hiking club' }).waitFor();
  await hanaPage.screenshot({ path: world.screenshot('groups-04-joined-phone') });
  await hanaPage.context().close();
  await gilPage.context().close();
}

export const publicGroupScenarios = [
  ['groups: find a public group, ask to join, the owner approves', findAskApprove],
];
