// Scenarios of friends, presence, typing, groups and profiles, run after scenarios.mjs's own
// (they reuse its people: alice and bob in world.alice / world.bob, carol made by the seeder;
// the one on other devices makes its own).
// Every wait is on a condition in the page.
import { api, bubbles, loginViaUi, memberAction, memberRow, sendText, setHidden, startChat, tokenOf } from './lib/app.mjs';
import { createGroup, createPerson, DESKTOP, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const friendsPerson = (page, list, name) => page.locator(`.${list} .person`, { hasText: name });

async function openFriends(page) {
  await page.locator('a.friends-link').click();
  await page.locator('#friends-title').waitFor();
}

const searchResult = (page, username) => page.locator('.search-results .person', { hasText: `@${username}` });

async function searchPeople(page, q) {
  await page.locator('#user-search').fill(q);
  await page.locator('#user-search').press('Enter');
  await searchResult(page, q).waitFor();
}

async function presenceOf(page, name) {
  return friendsPerson(page, 'friends', name).locator('.presence-dot').getAttribute('data-status');
}

async function becomeFriendsLive(world) {
  const { alice, bob } = world;
  await openFriends(bob);
  await openFriends(alice);
  await alice.locator('#friend-note').fill('hi Bob, it is Alice 🙂');
  await searchPeople(alice, 'bob');
  await searchResult(alice, 'bob').locator('button', { hasText: 'Add friend' }).click();
  await friendsPerson(alice, 'outgoing', 'Bob').waitFor();
  assertEqual(await searchResult(alice, 'bob').locator('.person-actions').innerText(), 'Requested', 'a pending request, in the search');
  const request = friendsPerson(bob, 'incoming', 'Alice');
  await request.filter({ hasText: 'it is Alice' }).waitFor(); // live: a friend_request frame
  await bob.locator('a.friends-link .unread-badge', { hasText: '1' }).waitFor();
  await searchPeople(bob, 'alice');
  assertEqual(await searchResult(bob, 'alice').locator('.person-actions').innerText(), 'Accept', 'a request to me, in the search');
  await bob.screenshot({ path: world.screenshot('09-friend-request') });
  await searchResult(bob, 'alice').locator('button', { hasText: 'Accept' }).click();
  await friendsPerson(bob, 'friends', 'Alice').waitFor();
  await friendsPerson(alice, 'friends', 'Bob').waitFor(); // live: friend_added
  for (const [page, username, expected] of [[alice, 'bob', 'Friends'], [bob, 'alice', 'Friends']]) {
    await searchResult(page, username).locator('.relation', { hasText: expected }).waitFor(); // live
  }
  await searchPeople(bob, 'bob');
  assertEqual(await searchResult(bob, 'bob').locator('.person-actions').innerText(), 'You', 'myself, in the search');
  await alice.locator('.outgoing .empty').waitFor();
  await eventually(async () => assertEqual(await presenceOf(alice, 'Bob'), 'online', 'bob online'), 'bob online');

  await bob.goto('about:blank');
  await eventually(async () => assertEqual(await presenceOf(alice, 'Bob'), 'offline', 'bob offline'), 'bob offline');
  await friendsPerson(alice, 'friends', 'Last seen').waitFor();
  await bob.goto(world.baseUrl);
  await eventually(async () => assertEqual(await presenceOf(alice, 'Bob'), 'online', 'bob back'), 'bob back online');
  await setHidden(bob, true); // the page goes to the background: away
  await eventually(async () => assertEqual(await presenceOf(alice, 'Bob'), 'away', 'bob away'), 'bob away');
  await setHidden(bob, false);
  await eventually(async () => assertEqual(await presenceOf(alice, 'Bob'), 'online', 'bob visible'), 'bob online again');
  await alice.screenshot({ path: world.screenshot('10-friends') });
}

async function typingAndPresenceInChat(world) {
  const { alice, bob } = world;
  await friendsPerson(alice, 'friends', 'Bob').locator('button', { hasText: 'Chat' }).click();
  await alice.locator('.chat-title', { hasText: 'Bob' }).waitFor();
  await alice.locator('.chat .pane-header .presence-dot[data-status=online]').waitFor();
  await alice.locator('.conversation', { hasText: 'Bob' }).locator('.presence-dot[data-status=online]').waitFor();
  await bob.locator('.conversation a', { hasText: 'Alice' }).click();
  await bob.locator('#composer-text').pressSequentially('typing to you');
  await alice.locator('.typing-line', { hasText: 'Bob is typing…' }).waitFor();
  await bob.locator('#composer-text').press('Enter');
  await bubbles(alice, 'typing to you').waitFor();
  await eventually(async () => assertEqual(await alice.locator('.typing-line').textContent(), '', 'typing line cleared'), 'typing cleared');
  await sendText(alice, 'friends now 🤝');
  await bubbles(bob, 'friends now').waitFor();
}

async function befriendByApi(world, fromToken, toPage, toName) {
  const me = await api(world.baseUrl, 'GET', '/account', { token: await tokenOf(toPage) });
  await api(world.baseUrl, 'POST', '/friends/requests', { token: fromToken, body: { to: me.user.id } });
  const accepter = friendsPerson(toPage, 'incoming', toName);
  await accepter.locator('button', { hasText: 'Accept' }).click();
  await friendsPerson(toPage, 'friends', toName).waitFor();
}

async function groupOfThree(world) {
  const { alice, bob } = world;
  world.carol = await world.browser.newContext({ viewport: { width: 1100, height: 720 } }).then((c) => c.newPage());
  world.carol.on('pageerror', (error) => world.pageErrors.push(error.message));
  const carol = world.carol;
  await loginViaUi(carol, world.baseUrl, 'carol');
  await openFriends(alice);
  await befriendByApi(world, await tokenOf(carol), alice, 'Carol');

  await alice.locator('a.new-group-link').click();
  await alice.locator('#group-name').fill('Launch crew 🚀');
  await alice.locator('.pick-friends li', { hasText: 'Bob' }).locator('input').check();
  await alice.locator('button.primary', { hasText: 'Create group' }).click();
  await alice.locator('.chat-title', { hasText: 'Launch crew 🚀' }).waitFor();
  await alice.locator('.event-line[data-event=group_created]', { hasText: 'Alice created the group “Launch crew 🚀”' }).waitFor();

  await alice.locator('.group-info-button').click();
  await alice.locator('.group-panel .members .person', { hasText: 'Bob' }).waitFor();
  await alice.locator('#add-member').selectOption({ label: 'Carol' });
  await alice.locator('.group-panel form', { has: alice.locator('#add-member') }).locator('button').click();
  await alice.locator('.event-line[data-event=member_added]', { hasText: 'Alice added Carol' }).waitFor();
  await alice.locator('.group-panel .members .person', { hasText: 'Carol' }).waitFor();

  for (const page of [bob, carol]) {
    await page.locator('.conversation.group a', { hasText: 'Launch crew' }).click();
    await page.locator('.event-line[data-event=member_added]', { hasText: 'Alice added Carol' }).waitFor();
  }
  await bob.locator('.event-line[data-event=group_created]').waitFor();
  await sendText(alice, 'hello crew 👋');
  await sendText(bob, 'hi all from Bob');
  await sendText(carol, 'Carol here ✋');
  for (const page of [alice, bob, carol]) {
    for (const text of ['hello crew', 'hi all from Bob', 'Carol here']) await bubbles(page, text).waitFor();
  }
  await carol.locator('.message.theirs', { hasText: 'hello crew' }).locator('.sender-name', { hasText: 'Alice' }).waitFor();
  await alice.locator('.message.theirs', { hasText: 'Carol here' }).locator('.sender-name', { hasText: 'Carol' }).waitFor();

  await alice.locator('#group-rename').fill('Crew 2');
  await alice.locator('#group-rename').press('Enter');
  for (const page of [alice, bob, carol]) {
    await page.locator('.event-line[data-event=renamed]', { hasText: 'Alice renamed the group to “Crew 2”' }).waitFor();
    await page.locator('.chat-title', { hasText: 'Crew 2' }).waitFor();
  }
  await sendText(alice, 'read me, crew');
  await alice.locator('.read-by', { hasText: 'Read by 2' }).waitFor();
  await alice.screenshot({ path: world.screenshot('11-group-chat') });
  await carol.locator('.group-info-button').click();
  await carol.locator('.group-panel .leave').waitFor();
  assertEqual(await carol.locator('.group-panel #group-rename').count(), 0, 'a member cannot rename');
  assertEqual(await carol.locator('.group-panel .members button').count(), 0, 'a member manages nobody');

  await (await memberAction(alice, 'Bob', 'Make admin')).click();
  for (const page of [alice, bob, carol]) {
    await page.locator('.event-line[data-event=role_changed]', { hasText: 'Alice made Bob an admin' }).waitFor();
  }
  await bob.locator('.group-info-button').click();
  await (await memberAction(bob, 'Carol', 'Mute 1 h')).waitFor();
  await bob.locator('.group-panel #group-rename').waitFor();
  assertEqual(await memberRow(bob, 'Alice').locator('button').count(), 0, 'an admin cannot manage the owner');
  assertEqual(await bob.locator('.group-panel button', { hasText: 'Make admin' }).count(), 0, 'only the owner changes roles');

  await (await memberAction(alice, 'Carol', 'Mute 1 h')).click();
  await carol.locator('.event-line[data-event=muted]', { hasText: 'Alice muted Carol until' }).waitFor();
  await sendText(carol, 'can I still talk?');
  await sendText(carol, 'never mind');
  for (const text of ['can I still talk?', 'never mind']) await expectFailed(carol, text);
  const refused = carol.locator('.message.mine', { hasText: 'can I still talk?' });
  await refused.locator('.failed-reason', { hasText: 'Not sent: You are muted in this group for now.' }).waitFor(); // words, not a code
  await carol.screenshot({ path: world.screenshot('11b-group-muted-send') });
  await carol.locator('.message.mine', { hasText: 'never mind' }).locator('button', { hasText: 'Discard' }).click();
  await carol.locator('.message.mine', { hasText: 'never mind' }).waitFor({ state: 'detached' });
  await (await memberAction(alice, 'Carol', 'Unmute')).click();
  await carol.locator('.event-line[data-event=unmuted]', { hasText: 'Alice unmuted Carol' }).waitFor();
  await refused.locator('button', { hasText: 'Retry' }).click(); // the same message, now allowed
  await bubbles(alice, 'can I still talk?').waitFor();
  assertEqual(await bubbles(alice, 'never mind').count(), 0, 'the discarded one never went');
  await carol.locator('.group-panel .leave').click();
  await carol.locator('.placeholder').waitFor(); // back home
  await carol.locator('.conversation.group').waitFor({ state: 'detached' });
  await alice.locator('.event-line[data-event=member_left]', { hasText: 'Carol left' }).waitFor();
  await alice.locator('.group-panel .members .person', { hasText: 'Carol' }).waitFor({ state: 'detached' });
  const bobsRow = bob.locator('.conversation.group');
  await eventually(async () => assertEqual(await bobsRow.locator('.unread-badge').count(), 0, 'events read'), 'event lines marked read');
  await bob.screenshot({ path: world.screenshot('12-group-admin-panel') });
}

// The screens this file touches, on new devices, with people of its own: Gwen on an English
// phone sends Hugo links (one long and unbroken, which must wrap, not widen the page); Hugo
// reads them on a Chinese phone and a Chinese desktop. The group info panel is a full-screen
// sheet on a phone; its back arrow and the browser's Back both return to the chat, on the same
// path. Screenshots of the panel, a chat with links and a friends search.
const LONG_LINK = `https://example.com/${'unbrokenpath'.repeat(15)}end`;

// Whether the page (and the message list, if shown) fits the screen's width.
async function noSidewaysScroll(page, where) {
  const widths = await page.evaluate(() => {
    const messages = document.querySelector('.messages');
    return { page: document.documentElement.scrollWidth, screen: window.innerWidth, messages: messages?.scrollWidth ?? 0, room: messages?.clientWidth ?? 0 };
  });
  assert(widths.page <= widths.screen && widths.messages <= widths.room, `${where}: nothing wider than the screen (${JSON.stringify(widths)})`);
}

async function screensOnOtherDevices(world) {
  const gwen = await createPerson(world, 'gwen', 'Gwen');
  const hugo = await createPerson(world, 'hugo', 'Hugo');
  await makeFriends(world, gwen, hugo);
  await createGroup(world, gwen, 'Night shift 🌙', [hugo]);
  const devices = [
    ['gwen', 'en-US', PHONE, 'Hugo', 'hugo', 'en-phone'],
    ['hugo', 'zh-CN', PHONE, 'Gwen', 'gwen', 'zh-phone'],
    ['hugo', 'zh-CN', DESKTOP, 'Gwen', 'gwen', 'zh-desktop'],
  ];
  for (const [username, locale, viewport, friend, friendUsername, label] of devices) {
    const isPhone = viewport === PHONE;
    const page = await newDevice(world, { viewport, locale });
    await loginViaUi(page, world.baseUrl, username);
    if (username === 'gwen') {
      await startChat(page, friendUsername);
      await sendText(page, `see www.example.org, and ${LONG_LINK} 👀`);
      await page.locator('.message.mine .tick:not([data-state=sending])').waitFor(); // stored
    } else {
      await page.locator('.conversation.direct a', { hasText: friend }).click();
    }
    await page.locator('.message .text a', { hasText: 'end' }).waitFor();
    if (isPhone) await noSidewaysScroll(page, 'the chat');
    await page.screenshot({ path: world.screenshot(`17-links-${label}`) });

    if (isPhone) {
      await page.locator('.chat .back').click();
      await noSidewaysScroll(page, 'the list'); // its preview of the long link
    }
    await page.locator('.conversation.group a', { hasText: 'Night shift' }).click();
    const chatPath = new URL(page.url()).pathname;
    const panel = page.locator('.group-panel');
    for (const close of ['arrow', 'browser back']) {
      if (close === 'arrow' && !isPhone) continue;
      await page.locator('.group-info-button').click();
      await panel.locator('.members .person').first().waitFor();
      if (isPhone) {
        assert(!(await page.locator('.chat').isVisible()), 'the sheet covers the chat');
        const box = await panel.boundingBox();
        assertEqual(Math.round(box.width), PHONE.width, 'the sheet is as wide as the screen');
        assert(await panel.locator('.back').isVisible(), 'a back arrow');
      } else {
        assert(await page.locator('.chat').isVisible(), 'beside the chat on a desktop');
      }
      if (close === 'arrow') {
        await page.screenshot({ path: world.screenshot(`18-group-info-${label}`) });
        await panel.locator('.back').click();
      } else {
        if (!isPhone) await page.screenshot({ path: world.screenshot(`18-group-info-${label}`) });
        await page.goBack();
      }
      await panel.waitFor({ state: 'detached' });
      await page.locator('#composer-text').waitFor();
      assertEqual(new URL(page.url()).pathname, chatPath, `still in the chat after the ${close}`);
      assertEqual(await page.locator('.group-info-button').getAttribute('aria-expanded'), 'false', 'the info button says closed');
    }

    if (isPhone) await page.locator('.chat .back').click();
    await page.locator('a.friends-link').click();
    await searchPeople(page, friendUsername);
    await searchResult(page, friendUsername).locator('.relation').waitFor();
    await page.screenshot({ path: world.screenshot(`19-friend-search-${label}`) });
    await page.context().close();
  }
}

async function expectFailed(page, text) {
  const tick = page.locator('.message.mine', { hasText: text }).locator('.tick');
  await eventually(async () => assertEqual(await tick.getAttribute('data-state'), 'failed', 'muted send'), 'send refused');
}

async function profileChangeReachesFriend(world) {
  const { alice, bob } = world;
  await bob.locator('a[href="/settings"]').click();
  await bob.locator('#profile-display-name').fill('Bobby 🎸');
  await bob.locator('#profile-status').fill('on tour');
  await bob.locator('#profile-time-zone').fill('Asia/Shanghai');
  await bob.locator('.profile-form button[type=submit]').click();
  await bob.locator('.profile-form .form-status', { hasText: 'Profile saved' }).waitFor();
  await bob.screenshot({ path: world.screenshot('13-settings-profile') });
  await alice.locator('.conversation.direct .conversation-title', { hasText: 'Bobby 🎸' }).waitFor();
  await alice.locator('.pane-header .me', { hasText: 'Alice' }).waitFor();
  await bob.locator('.pane-header .me', { hasText: 'Bobby 🎸' }).waitFor();
}

async function errorsBlockAndUnblock(world) {
  const { alice, carol } = world;
  await openFriends(alice);
  await searchPeople(alice, 'bob');
  assertEqual(await searchResult(alice, 'bob').locator('button').count(), 0, 'nothing to ask of a friend');

  await openFriends(carol);
  await friendsPerson(carol, 'friends', 'Alice').waitFor();
  await friendsPerson(alice, 'friends', 'Carol').locator('button', { hasText: 'Block' }).click();
  await friendsPerson(alice, 'friends', 'Carol').locator('.confirm-text', { hasText: 'Block Carol?' }).waitFor();
  await alice.screenshot({ path: world.screenshot('14a-block-confirm') });
  await friendsPerson(alice, 'friends', 'Carol').locator('.confirm').click();
  await friendsPerson(alice, 'blocked', 'Carol').waitFor();
  await alice.locator('.conversation', { hasText: 'Carol' }).locator('.presence-dot').waitFor({ state: 'detached' });
  await carol.locator('.friends .person', { hasText: 'Alice' }).waitFor({ state: 'detached' }); // live: friend_removed
  await carol.locator('#user-search').fill('alice');
  await carol.locator('#user-search').press('Enter');
  await carol.locator('.search-results .person', { hasText: '@alice' }).locator('button').click();
  await carol.locator('.friends-screen .form-error', { hasText: 'blocked you' }).waitFor(); // blocked
  await alice.screenshot({ path: world.screenshot('14-blocked') });
  await friendsPerson(alice, 'blocked', 'Carol').locator('button', { hasText: 'Unblock' }).click();
  await alice.locator('.blocked .empty').waitFor();
  await carol.context().close();
}

export const socialScenarios = [
  ['friends: search (Add friend, Requested, Accept, Friends, You), request with a note, accept live; presence online -> offline -> online -> away -> online', becomeFriendsLive],
  ['direct chat between friends: presence dots, typing indicator', typingAndPresenceInChat],
  ['group of three: create, add, sender names, rename, read by, roles, mute, leave, member panels', groupOfThree],
  ['other devices (phone en, phone and desktop zh): group info sheet, Back; links; friend search', screensOnOtherDevices],
  ['profile: a new display name shows on the friend\'s side', profileChangeReachesFriend],
  ['friends errors: blocked; block and unblock', errorsBlockAndUnblock],
];
