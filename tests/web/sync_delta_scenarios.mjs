// Scenario of a reconnect with the sync token (docs/protocol.md, "hello" and "synced"): after
// going offline, the app's hello carries the token of its last `synced`, and the answer is a
// delta: it lists only the group that changed while the device was away (renamed) and reports
// the group the device was removed from, which leaves the list (no event of it reaches a device
// that is no longer a member: only `removed` says so). Self-contained: Nora and Omar.
import { api, loginViaUi } from './lib/app.mjs';
import { createGroup, createPerson, newDevice } from './lib/people.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

// The JSON objects of a WebSocket message (batched ones are split on "\n").
const objectsOf = (payload) => String(payload).split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));

async function reconnectWithToken(world) {
  const nora = await createPerson(world, 'nora', 'Nora');
  const omar = await createPerson(world, 'omar', 'Omar');
  const stays = await createGroup(world, omar, 'Book club', [nora]);
  const goes = await createGroup(world, omar, 'Old project', [nora]);
  const page = await newDevice(world);
  const hellos = [];
  const synceds = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => hellos.push(...objectsOf(payload).filter((f) => f.type === 'hello')));
    ws.on('framereceived', ({ payload }) => synceds.push(...objectsOf(payload).filter((f) => f.type === 'synced')));
  });
  await loginViaUi(page, world.baseUrl, 'nora');
  const list = page.locator('.conversation-list');
  await list.locator('li', { hasText: 'Old project' }).waitFor();
  await eventually(async () => assert(synceds.length >= 1, 'no synced yet'), 'the first synced');
  assert(synceds[0].since, 'synced carries a token');

  await page.context().setOffline(true);
  await page.locator('.connection-banner[data-status=offline]').waitFor();
  const before = synceds.at(-1);
  await api(world.baseUrl, 'PATCH', `/groups/${stays.id}`, { token: omar.token, body: { name: 'Readers' } });
  await api(world.baseUrl, 'DELETE', `/groups/${goes.id}/members/${nora.id}`, { token: omar.token });
  await page.context().setOffline(false);
  await page.locator('.connection-banner').waitFor({ state: 'hidden' });
  await list.locator('li', { hasText: 'Readers' }).waitFor();
  await list.locator('li', { hasText: 'Old project' }).waitFor({ state: 'detached' });

  assertEqual(hellos.at(-1).since, before.since, 'the reconnect sends the last token');
  const delta = synceds.at(-1);
  assert(delta !== before && delta.delta === true, 'the answer is a delta');
  assertEqual(JSON.stringify(delta.removed), JSON.stringify([goes.id]), 'removed');
  assertEqual(JSON.stringify(delta.conversations.map((c) => c.conversation_id)), JSON.stringify([stays.id]), 'only what changed');
  assertEqual(delta.conversations[0].name, 'Readers', 'with its new state');
  await eventually(async () => assert((await page.evaluate((id) => localStorage.getItem(`parley.list.${id}`) ?? '', nora.id)).includes(delta.since),
    'token saved'), 'the token is saved with the list');
  await page.context().close();
}

export const syncDeltaScenarios = [
  ['sync delta: a reconnect sends its token and gets only what changed; a group left while away goes', reconnectWithToken],
];
