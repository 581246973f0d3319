// Scenarios of what tells a person with Parley in the background about new messages: the
// title's count, the favicon's badge, desktop notifications (asked for only from a click in
// the settings) with their sound switch. Self-contained: Ines and Jack, made here. The
// browser's Notification is replaced in their pages by a recorder (fakeNotifications), so the
// test sees what would be shown and whether the permission was asked during a user gesture.
import { loginViaUi, sendText, setHidden, startChat } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

// A device whose browser answers the permission prompt with `answer` ('granted' or 'denied');
// window.__notify holds {shown: [{title, body, tag}], asks: [whether a gesture was active]}.
async function deviceWithFakeNotifications(world, answer, options) {
  const page = await newDevice(world, options);
  await page.context().addInitScript((reply) => {
    const shown = [];
    const asks = [];
    class FakeNotification {
      static permission = 'default';
      static async requestPermission() {
        asks.push(navigator.userActivation.isActive);
        FakeNotification.permission = reply;
        return reply;
      }
      constructor(title, { body, tag } = {}) {
        Object.assign(this, { title, body, tag });
        shown.push(this);
      }
      close() {}
    }
    window.Notification = FakeNotification;
    window.__notify = { shown, asks };
  }, answer);
  return page;
}

const notes = (page) => page.evaluate(() => ({
  asks: window.__notify.asks,
  shown: window.__notify.shown.map(({ title, body, tag }) => ({ title, body, tag })),
}));

async function titleAndIcon(page) {
  return page.evaluate(() => ({ title: document.title, badge: document.querySelector('link[rel=icon]').dataset.count,
    png: document.querySelector('link[rel=icon]').href.startsWith('data:image/png') }));
}

async function backgroundTab(world) {
  const inesUser = await createPerson(world, 'ines', 'Ines');
  const jackUser = await createPerson(world, 'jack', 'Jack');
  await makeFriends(world, inesUser, jackUser);
  const ines = await deviceWithFakeNotifications(world, 'granted');
  await loginViaUi(ines, world.baseUrl, 'ines');
  await ines.locator('a[href="/settings"]').click();
  const desktop = ines.locator('#notify-desktop');
  await desktop.waitFor();
  assertEqual(JSON.stringify((await notes(ines)).asks), '[]', 'nothing asked before a click');
  assert(await ines.locator('#notify-sound').isDisabled(), 'no sound switch while notifications are off');
  await desktop.check();
  await eventually(async () => assertEqual(JSON.stringify((await notes(ines)).asks), '[true]', 'asked once, during the click'), 'permission asked');
  await ines.locator('#notify-sound:checked:enabled').waitFor(); // the sound comes with them
  await ines.screenshot({ path: world.screenshot('20-settings-notifications') });

  await setHidden(ines, true);
  const jack = await deviceWithFakeNotifications(world, 'denied', { viewport: PHONE, locale: 'fr-FR' });
  await loginViaUi(jack, world.baseUrl, 'jack');
  await startChat(jack, 'ines');
  await sendText(jack, 'are you there? 🔔');
  await sendText(jack, 'second ping');
  await eventually(async () => assertEqual(JSON.stringify(await titleAndIcon(ines)), JSON.stringify({ title: '(2) Parley', badge: '2', png: true }),
    'the count in the title and on the icon'), 'two unread in the background');
  await eventually(async () => assertEqual(JSON.stringify((await notes(ines)).shown.map((n) => [n.title, n.body])),
    JSON.stringify([['Jack', 'are you there? 🔔'], ['Jack', 'second ping']]), 'one notification per message'), 'notified');
  const { shown } = await notes(ines);
  assertEqual(shown[0].tag, shown[1].tag, 'the second replaces the first (one per conversation)');

  // A click on the notification brings the tab to the front in that chat, where both are read.
  await setHidden(ines, false);
  await ines.evaluate(() => window.__notify.shown.at(-1).onclick());
  await ines.locator('.chat-title', { hasText: 'Jack' }).waitFor();
  await eventually(async () => assertEqual(JSON.stringify(await titleAndIcon(ines)), JSON.stringify({ title: 'Parley', badge: '0', png: true }),
    'nothing unread'), 'read in the front');

  // Jack's browser blocks notifications: his switch says so and stays off.
  await jack.locator('.chat .back').click();
  await jack.locator('a[href="/settings"]').click();
  await jack.locator('#notify-desktop').click(); // asks, and hears no
  await jack.locator('.notification-settings .form-status', { hasText: 'bloque les notifications' }).waitFor();
  assert(!(await jack.locator('#notify-desktop').isChecked()), 'off when the browser says no');
  assert(await jack.locator('#notify-desktop').isDisabled(), 'nothing to switch while blocked');
  // The push switch shown before the answer follows it: off, disabled, and said.
  assert(!(await jack.locator('#push-toggle').isChecked()), 'push off when blocked');
  await jack.locator('#push-toggle:disabled').waitFor();
  await jack.locator('.push-setting .form-status', { hasText: 'Le navigateur bloque' }).waitFor();
  await jack.screenshot({ path: world.screenshot('21-settings-notifications-blocked-fr-phone') });
  for (const page of [ines, jack]) await page.context().close();
}

export const attentionScenarios = [
  ['background tab: "(2) Parley" and a favicon badge; desktop notifications asked from a click in the settings, replaced per chat, opening the chat; blocked ones said', backgroundTab],
];
