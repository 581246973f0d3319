// Scenario of a chat whose older messages the retention policy removed: the chat shows the
// marker where history ends ("Older messages were removed by the retention policy") instead of
// loading forever or claiming the beginning, on an English desktop and a French phone, and the
// kept messages are all there. Runs on a server of its own (world.startServer) whose pruner
// wakes every second.
import { api, bubbles, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createPerson, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual, eventually } from './lib/wait.mjs';

const topNote = (page) => page.locator('.history-note');

async function prunedHistoryShowsTheMarker(world) {
  const server = await world.startServer(['--retention-interval-s', '1']);
  const here = { ...world, baseUrl: server.url };
  try {
    const rosa = await createPerson(here, 'rosa', 'Rosa');
    await createPerson(here, 'otto', 'Otto');
    const desktop = await newDevice(here);
    await loginViaUi(desktop, here.baseUrl, 'rosa');
    await startChat(desktop, 'otto');
    for (let i = 1; i <= 6; i += 1) await sendText(desktop, `note ${i}`);
    await bubbles(desktop, 'note 6').waitFor();
    // All six stored: no tick of mine still says "sending" (several may at once, so count them).
    const sending = desktop.locator('.message.mine .tick[data-state=sending]');
    await eventually(async () => assertEqual(await sending.count(), 0, 'messages still sending'),
      'all six notes stored');

    // Rosa keeps only the last three messages of the chat; the pruner removes the rest.
    const [{ id }] = (await api(here.baseUrl, 'GET', '/conversations', { token: rosa.token })).conversations;
    await api(here.baseUrl, 'PUT', `/conversations/${id}/retention`, { token: rosa.token, body: { max_messages: 3 } });
    await eventually(async () => assertEqual((await api(here.baseUrl, 'GET', `/conversations/${id}/retention`,
      { token: rosa.token })).pruned_through, 3, 'pruned through'), 'the pruner removed notes 1 to 3');

    await desktop.reload();
    await desktop.locator('.conversation a', { hasText: 'Otto' }).click();
    await topNote(desktop).getByText('Older messages were removed by the retention policy.').waitFor();
    await bubbles(desktop, 'note 4').waitFor();
    assertEqual(await bubbles(desktop, 'note 1').count(), 0, 'removed notes are not shown');
    await desktop.screenshot({ path: world.screenshot('60-retention-marker-en-desktop') });

    const phone = await newDevice(here, { viewport: PHONE, locale: 'fr-FR' });
    await loginViaUi(phone, here.baseUrl, 'otto');
    await phone.locator('.conversation a', { hasText: 'Rosa' }).click();
    await topNote(phone).getByText('Les messages plus anciens ont été supprimés par la politique de conservation.').waitFor();
    await bubbles(phone, 'note 6').waitFor();
    await phone.screenshot({ path: world.screenshot('61-retention-marker-fr-phone') });
    for (const page of [desktop, phone]) await page.context().close();
  } finally {
    server.stop();
  }
}

export const retentionScenarios = [
  ['retention: a chat whose older messages were removed shows the marker (desktop en, phone fr)', prunedHistoryShowsTheMarker],
];
