// Scenarios of rich messages (issue 5), run after the others on the same server, with two new
// people, Erin and Frank, in a direct chat: an image (thumbnail, lightbox), a pasted second
// image, a voice clip recorded with Chromium's fake microphone, a dropped file and its
// download, refused uploads, reply, edit, delete, reactions, search (世界 finds 你好世界), an
// upload interrupted and resumed, a cancelled upload, and a profile picture. Files are real
// bytes made here (lib/png.mjs). Every wait is on a condition in the page.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { api, bubbles, registerViaUi, sendText, startChat, tokenOf } from './lib/app.mjs';
import { pngBytes } from './lib/png.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const GREETING = 'hello Frank, 你好世界 🌏';
const HOSTILE = 'look <img src=x onerror="window.pwned=1"> 世界 markup';
const NOTES = 'meeting notes\nline two ✍️\n';

async function newPage(world) {
  const context = await world.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => world.pageErrors.push(error.message));
  return page;
}

const message = (page, text) => page.locator('.messages .message', { hasText: text });

// Files reach the app as a person gives them: the file dialog, a paste, a drop.
async function pasteFile(page, { name, mimeType, buffer }) {
  await page.locator('#composer-text').evaluate((field, file) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.mimeType }));
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, { name, mimeType, bytes: [...buffer] });
}

async function dropFile(page, { name, mimeType, buffer }) {
  await page.locator('.chat').evaluate((chat, file) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.mimeType }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      chat.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, { name, mimeType, bytes: [...buffer] });
}

async function openConversation(page, title) {
  const named = page.locator('.conversation-title', { hasText: new RegExp(`^${title}$`) });
  await page.locator('.conversation a').filter({ has: named }).click();
  await page.locator('.chat-title', { hasText: title }).waitFor();
}

async function openMenu(page, text) {
  const item = message(page, text).first();
  await item.hover();
  await item.locator('.message-actions').click();
  await page.locator('.message-menu').waitFor();
}

async function thumbnailLoaded(page, nth = 0) {
  const img = page.locator('.media-image img').nth(nth);
  await img.and(page.locator('[data-loaded=true]')).waitFor();
  return img.evaluate((el) => ({ width: el.naturalWidth, height: el.naturalHeight, blurred: el.classList.contains('blur') }));
}

async function openChatWith(world) {
  world.erin = await newPage(world);
  world.frank = await newPage(world);
  await registerViaUi(world.erin, world.baseUrl, 'erin', 'Erin');
  await registerViaUi(world.frank, world.baseUrl, 'frank', 'Frank');
  await startChat(world.erin, 'frank');
  await sendText(world.erin, GREETING);
  await world.frank.locator('.conversation a', { hasText: 'Erin' }).click();
  await bubbles(world.frank, 'hello Frank').waitFor();
}

async function sendImages(world) {
  const { erin, frank } = world;
  await erin.locator('#composer-files').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: pngBytes(1200, 800, 0) });
  const first = await thumbnailLoaded(frank);
  assert(first.width > 0 && Math.max(first.width, first.height) <= 320 && !first.blurred, `a sharp thumbnail (${first.width}x${first.height})`);
  assertEqual(Math.round((first.width / first.height) * 10), 15, 'the thumbnail keeps the 3:2 shape');
  await thumbnailLoaded(erin); // the sender sees it too
  await pasteFile(erin, { name: 'square.png', mimeType: 'image/png', buffer: pngBytes(500, 500, 120) });
  await eventually(async () => assertEqual(await frank.locator('.media-image img[data-loaded=true]').count(), 2, 'two thumbnails'), 'the pasted image');
  await frank.screenshot({ path: world.screenshot('20-rich-images') });

  // The lightbox: the full picture, arrows between the two, Escape back to the chat.
  await frank.locator('.media-image').first().click();
  const box = frank.locator('.lightbox');
  await box.waitFor();
  const full = box.locator('.lightbox-image[data-loaded=true]');
  await full.waitFor();
  assertEqual(await full.evaluate((el) => el.naturalWidth), 1200, 'the full image');
  assertEqual(await frank.evaluate(() => document.activeElement.className), 'lightbox-close', 'focus in the dialog');
  assert(await frank.evaluate(() => document.getElementById('app').inert), 'the app behind is inert');
  await frank.screenshot({ path: world.screenshot('21-rich-lightbox') });
  await frank.keyboard.press('ArrowRight');
  await eventually(async () => assertEqual(await full.evaluate((el) => el.naturalWidth), 500, 'second image'), 'arrow to the next image');
  assert((await box.locator('.lightbox-caption').textContent()).includes('2 of 2'), 'position in the caption');
  await frank.keyboard.press('ArrowLeft');
  await eventually(async () => assertEqual(await full.evaluate((el) => el.naturalWidth), 1200, 'first image'), 'arrow back');
  await frank.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });
  assertEqual(await frank.evaluate(() => document.activeElement.className), 'media-image', 'focus back on the image');
}

async function voiceClip(world) {
  const { erin, frank } = world;
  const mic = erin.locator('button.mic');
  // A press starts, Cancel throws the clip away.
  await mic.click();
  await erin.locator('.recording-bar').waitFor();
  await erin.locator('.recording-cancel').click();
  await erin.locator('.recording-bar').waitFor({ state: 'detached' });
  // Held for two seconds or more (the screenshot's checks take their time on a busy machine)
  // and released: sent, as long as it was held.
  await mic.hover();
  const heldFrom = Date.now();
  await erin.mouse.down();
  await erin.locator('.recording-bar').waitFor();
  await erin.locator('.recording-time', { hasText: '0:02' }).waitFor();
  await erin.screenshot({ path: world.screenshot('22-rich-recording') });
  await erin.mouse.up();
  const heldSeconds = (Date.now() - heldFrom) / 1000;
  await erin.locator('.recording-bar').waitFor({ state: 'detached' });
  const voice = frank.locator('.voice');
  await voice.waitFor();
  assertEqual(await voice.count(), 1, 'one clip (the cancelled one never left)');
  const shownDuration = await voice.locator('.voice-time').textContent();
  const [minutes, seconds] = shownDuration.split(':').map(Number);
  const clipSeconds = minutes * 60 + seconds;
  assert(clipSeconds >= 2 && Math.abs(clipSeconds - heldSeconds) <= 1.5,
    `the duration shown (${shownDuration}) is how long it was held (${heldSeconds.toFixed(1)} s)`);
  await voice.locator('.voice-play').click();
  await eventually(async () => assert(['playing', 'ended'].includes(await voice.getAttribute('data-state')), 'plays'), 'playback starts');
  await eventually(async () => assertEqual(await voice.getAttribute('data-state'), 'ended', 'ended'), 'the clip plays to its end', { timeoutMs: 15000 });
  await frank.screenshot({ path: world.screenshot('23-rich-voice') });
}

async function fileCard(world) {
  const { erin, frank } = world;
  await dropFile(erin, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) });
  const card = frank.locator('.file-card', { hasText: 'notes.txt' });
  await card.waitFor();
  assertEqual(await card.locator('.file-size').textContent(), `${Buffer.byteLength(NOTES)} bytes`, 'the size');
  const [download] = await Promise.all([frank.waitForEvent('download'), card.locator('.file-download').click()]);
  assertEqual(download.suggestedFilename(), 'notes.txt', 'saved under its name');
  assertEqual(await readFile(await download.path(), 'utf8'), NOTES, 'the same bytes');

  // A hostile name is shown as text, never as markup or a path.
  await dropFile(erin, { name: '../<b>evil</b>.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  const evil = frank.locator('.file-card', { hasText: 'evil' });
  await evil.waitFor();
  assertEqual(await evil.locator('b').count(), 0, 'no markup from the name');
  assert(!(await evil.locator('.file-name').textContent()).includes('/'), 'no path in the name');
}

// Uploads the server refuses say why, and can be dismissed; nothing is sent.
async function refusedUploads(world) {
  const { erin, frank } = world;
  // Over the server's --max-upload-bytes (100 MiB by default, told in `welcome`): refused in
  // the app, with the limit, before any upload starts.
  await erin.locator('.chat').evaluate((chat) => {
    const data = new DataTransfer();
    data.items.add(new File([new ArrayBuffer(101 * 1024 * 1024)], 'huge.iso'));
    chat.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await erin.locator('.chat-alert', { hasText: '“huge.iso” is too large to send: 105.9 MB, and the limit is 104.9 MB.' }).waitFor();
  assertEqual(await erin.locator('.upload', { hasText: 'huge.iso' }).count(), 0, 'no upload started');
  // Text that claims to be a PNG: the server sniffs the bytes.
  await pasteFile(erin, { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
  const fake = erin.locator('.upload[data-phase=failed]', { hasText: 'fake.png' });
  await fake.locator('.upload-error').waitFor();
  await erin.screenshot({ path: world.screenshot('24-rich-refused-uploads') });
  await fake.locator('.upload-cancel', { hasText: 'Dismiss' }).click();
  await fake.waitFor({ state: 'detached' });
  await sendText(erin, 'after the refusals');
  await bubbles(frank, 'after the refusals').waitFor();
  assertEqual(await frank.locator('.file-card', { hasText: 'huge.iso' }).count(), 0, 'nothing sent');
  assertEqual(await frank.locator('.media-image').count(), 2, 'only the two real images');
}

async function replyEditDelete(world) {
  const { erin, frank } = world;
  await openMenu(frank, 'hello Frank');
  await frank.locator('.menu-reply').click();
  await frank.locator('.composer-mode', { hasText: 'Replying to Erin' }).waitFor();
  await sendText(frank, 'a reply to the greeting');
  const reply = message(erin, 'a reply to the greeting');
  await reply.locator('.quote', { hasText: 'hello Frank' }).waitFor();
  await message(frank, 'a reply to the greeting').locator('.quote', { hasText: 'hello Frank' }).waitFor();
  await reply.locator('.quote').click();
  await message(erin, GREETING).and(erin.locator('.flash')).waitFor();

  await sendText(erin, 'typo herre');
  await openMenu(erin, 'typo herre');
  await erin.locator('.menu-edit').click();
  assertEqual(await erin.locator('#composer-text').inputValue(), 'typo herre', 'the text to edit');
  await erin.locator('#composer-text').fill('typo fixed');
  await erin.locator('#composer-text').press('Enter');
  for (const page of [erin, frank]) {
    await message(page, 'typo fixed').locator('.edited').waitFor();
    assertEqual(await bubbles(page, 'typo herre').count(), 0, 'the old text is gone');
  }

  await openMenu(erin, GREETING);
  await erin.locator('.menu-delete').click();
  await erin.locator('.menu-delete-confirm').click();
  for (const page of [erin, frank]) {
    await page.locator('.message.deleted .tombstone', { hasText: 'This message was deleted' }).waitFor();
    await message(page, 'a reply to the greeting').locator('.quote.deleted').waitFor();
    assertEqual(await bubbles(page, 'hello Frank').count(), 0, 'the text is gone');
  }
  assertEqual(await frank.locator('.message.deleted .message-actions').count(), 0, 'no actions on a tombstone');
  await frank.screenshot({ path: world.screenshot('25-rich-reply-edit-delete') });
  await frank.reload(); // history brings the tombstone and the edit, never the old content
  await frank.locator('.message.deleted .tombstone').waitFor();
  await message(frank, 'typo fixed').locator('.edited').waitFor();
  assertEqual(await bubbles(frank, 'hello Frank').count(), 0, 'not in history either');
}

// In a group the owner may delete a member's message; a member may not delete the owner's.
async function groupDeletion(world) {
  const { erin, frank } = world;
  const [erinToken, frankToken] = [await tokenOf(erin), await tokenOf(frank)];
  const { user: frankUser } = await api(world.baseUrl, 'GET', '/users/frank', { token: erinToken });
  const { user: erinUser } = await api(world.baseUrl, 'GET', '/users/erin', { token: frankToken });
  await api(world.baseUrl, 'POST', '/friends/requests', { token: erinToken, body: { to: frankUser.id } });
  await api(world.baseUrl, 'POST', `/friends/requests/${erinUser.id}/accept`, { token: frankToken });
  await api(world.baseUrl, 'POST', '/groups', { token: erinToken, body: { name: 'Darkroom', members: [frankUser.id] } });
  await openConversation(erin, 'Darkroom');
  await openConversation(frank, 'Darkroom');
  await sendText(erin, 'owner speaking');
  await sendText(frank, 'member speaking');
  await message(erin, 'member speaking').waitFor();
  await openMenu(frank, 'owner speaking');
  assertEqual(await frank.locator('.menu-delete').count(), 0, 'a member cannot delete the owner\'s message');
  await frank.keyboard.press('Escape');
  await frank.locator('.message-menu').waitFor({ state: 'hidden' });
  await openMenu(erin, 'member speaking');
  await erin.locator('.menu-delete').click();
  await erin.locator('.menu-delete-confirm').click();
  for (const page of [erin, frank]) {
    await page.locator('.message.deleted .tombstone').waitFor();
    assertEqual(await bubbles(page, 'member speaking').count(), 0, 'deleted for everyone');
  }
  await openConversation(erin, 'Frank');
  await openConversation(frank, 'Erin');
}

// The labels of the menu's actions (after the reactions row), checking on the way that its
// visible text holds no stray value a person should never read.
async function menuActions(page) {
  const menu = page.locator('.message-menu');
  const text = await menu.innerText();
  for (const stray of ['false', 'true', 'undefined', 'null', '[object', 'NaN']) {
    assert(!text.includes(stray), `"${stray}" in the message menu: ${JSON.stringify(text)}`);
  }
  return menu.locator(':scope > button').allInnerTexts();
}

async function expectMenu(page, text, expected, screenshot) {
  await openMenu(page, text);
  assertEqual(JSON.stringify(await menuActions(page)), JSON.stringify(expected), `the menu of "${text}"`);
  if (screenshot) await page.screenshot({ path: screenshot });
  await page.keyboard.press('Escape');
  await page.locator('.message-menu').waitFor({ state: 'hidden' });
}

// Each person sees only the actions they may take (Report only on others' messages; issue 14: someone else's message showed
// "falsefalse" where Edit and Delete would be, an owner "false" between Reply and Delete), on a
// desktop and on a phone-sized screen.
async function messageMenus(world) {
  const { erin, frank } = world;
  await sendText(erin, 'menu: mine to change');
  await message(frank, 'menu: mine to change').waitFor();
  await expectMenu(erin, 'menu: mine to change', ['Reply', 'Edit', 'Delete'], world.screenshot('31-menu-mine'));
  await expectMenu(frank, 'menu: mine to change', ['Reply', 'Report'], world.screenshot('31-menu-others'));
  await openConversation(erin, 'Darkroom');
  await openConversation(frank, 'Darkroom');
  await sendText(frank, 'menu: a member speaks');
  await message(erin, 'menu: a member speaks').waitFor();
  await expectMenu(erin, 'menu: a member speaks', ['Reply', 'Delete', 'Report'], world.screenshot('31-menu-owner'));
  await expectMenu(frank, 'owner speaking', ['Reply', 'Report']);
  for (const page of [erin, frank]) await page.setViewportSize({ width: 390, height: 844 });
  await expectMenu(erin, 'menu: a member speaks', ['Reply', 'Delete', 'Report'], world.screenshot('31-menu-owner-phone'));
  await expectMenu(frank, 'owner speaking', ['Reply', 'Report'], world.screenshot('31-menu-others-phone'));
  for (const page of [erin, frank]) {
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.goto(world.baseUrl); // the phone layout left the chat full-screen
  }
  await openConversation(erin, 'Frank');
  await openConversation(frank, 'Erin');
}

async function reactions(world) {
  const { erin, frank } = world;
  await openMenu(frank, 'typo fixed');
  await frank.locator('.quick-reaction', { hasText: '👍' }).click();
  const chipOf = (page) => message(page, 'typo fixed').locator('.reaction[data-emoji="👍"]');
  for (const page of [erin, frank]) await chipOf(page).locator('.reaction-count', { hasText: '1' }).waitFor();
  assertEqual(await chipOf(frank).getAttribute('aria-pressed'), 'true', 'pressed for frank');
  assertEqual(await chipOf(erin).getAttribute('aria-pressed'), 'false', 'not for erin');
  await chipOf(erin).click();
  for (const page of [erin, frank]) await chipOf(page).locator('.reaction-count', { hasText: '2' }).waitFor();
  assertEqual(await chipOf(frank).getAttribute('title'), 'Frank, Erin reacted with 👍', 'who reacted');
  await erin.screenshot({ path: world.screenshot('26-rich-reactions') });
  await chipOf(frank).click();
  for (const page of [erin, frank]) await chipOf(page).locator('.reaction-count', { hasText: '1' }).waitFor();
  await chipOf(erin).click();
  for (const page of [erin, frank]) await chipOf(page).waitFor({ state: 'detached' });
}

async function search(world) {
  const { erin } = world;
  await sendText(erin, '你好世界 from the search test');
  await sendText(erin, HOSTILE);
  await erin.locator('a.search-link').click();
  await erin.locator('#search-q').fill('世界');
  const results = erin.locator('.found-message');
  await eventually(async () => assert((await results.count()) >= 2, 'results'), 'search results for 世界');
  const snippet = results.filter({ hasText: '你好世界 from' }).locator('.found-snippet');
  assertEqual((await snippet.locator('mark').allTextContents()).join(''), '世界', 'the match is marked');
  const hostile = results.filter({ hasText: 'onerror' });
  assertEqual(await hostile.locator('img').count(), 0, 'markup in a snippet stays text');
  assertEqual(await erin.evaluate(() => window.pwned), undefined, 'nothing ran');
  await erin.screenshot({ path: world.screenshot('27-rich-search') });
  await results.filter({ hasText: '你好世界 from' }).locator('button').click();
  await message(erin, '你好世界 from').and(erin.locator('.flash')).waitFor();
  await erin.locator('.chat-search').click();
  assertEqual(await erin.locator('#search-scope').inputValue(), new URL(erin.url()).searchParams.get('in'), 'scoped to the chat');
  await erin.locator('#search-q').fill('markup');
  await results.filter({ hasText: 'markup' }).waitFor();
  await erin.locator('#search-q').fill('nosuchwordanywhere');
  await erin.locator('.found-status', { hasText: 'No messages found' }).waitFor();
  await erin.goBack();
  await erin.locator('#composer-text').waitFor();
}

async function resumedUpload(world) {
  const { erin, frank } = world;
  const bytes = Buffer.alloc(9 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  let puts = 0;
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await erin.route('**/api/v1/uploads/*', async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    puts += 1;
    if (puts === 2) return route.abort('connectionreset'); // the network drops mid-upload
    if (puts === 3) await held; // hold one chunk to look at the progress bar
    return route.continue();
  });
  await erin.locator('#composer-files').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: bytes });
  const bar = erin.locator('.upload[data-phase=put] progress');
  await bar.waitFor();
  await eventually(async () => assertEqual(puts, 3, 'the chunk after the drop'), 'resumed after the drop');
  assert(Number(await bar.getAttribute('value')) > 0, 'progress shown');
  await erin.screenshot({ path: world.screenshot('28-rich-upload-progress') });
  release();
  const card = frank.locator('.file-card', { hasText: 'big.bin' });
  await card.waitFor({ timeout: 30000 });
  await erin.unroute('**/api/v1/uploads/*');
  const [download] = await Promise.all([frank.waitForEvent('download'), card.locator('.file-download').click()]);
  const got = await readFile(await download.path());
  assertEqual(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(bytes).digest('hex'), 'the same 9 MiB');

  // Cancelled: the bubble goes, nothing is sent.
  await erin.route('**/api/v1/uploads/*', async (route) => {
    if (route.request().method() === 'PUT') return; // never answered
    return route.continue();
  });
  await erin.locator('#composer-files').setInputFiles({ name: 'never.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1000, 7) });
  await erin.locator('.upload', { hasText: 'never.bin' }).locator('.upload-cancel').click();
  await erin.locator('.upload', { hasText: 'never.bin' }).waitFor({ state: 'detached' });
  await erin.unroute('**/api/v1/uploads/*');
  await sendText(erin, 'after the cancel');
  await bubbles(frank, 'after the cancel').waitFor();
  assertEqual(await frank.locator('.file-card', { hasText: 'never.bin' }).count(), 0, 'the cancelled file never came');
}

async function profilePicture(world) {
  const { erin, frank } = world;
  await erin.locator('a[href="/settings"]').click();
  await erin.locator('#profile-avatar').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: pngBytes(400, 400, 200) });
  await erin.locator('.avatar-picker .form-status', { hasText: 'Picture saved' }).waitFor();
  await erin.locator('.avatar-picker .avatar.picture img').waitFor();
  await erin.screenshot({ path: world.screenshot('29-rich-settings-picture') });
  // Frank sees it next to Erin's name. They are not friends, so no profile frame tells him:
  // his next page load asks for her profile again.
  await frank.reload();
  await frank.locator('.conversation', { hasText: 'Erin' }).locator('.avatar.picture img').waitFor();
  await frank.locator('.chat .pane-header .avatar.picture img').waitFor();
  await frank.screenshot({ path: world.screenshot('30-rich-chat') });
}

export const richScenarios = [
  ['rich: Erin and Frank open a direct chat', openChatWith],
  ['rich: images (picked and pasted), thumbnails on the other side, the lightbox', sendImages],
  ['rich: a voice clip from the fake microphone, played on the other side', voiceClip],
  ['rich: a dropped file as a card, downloaded under its name; a hostile name stays text', fileCard],
  ['rich: refused uploads (too large, not really an image) say why', refusedUploads],
  ['rich: reply, edit, delete (tombstones on both sides and after a reload)', replyEditDelete],
  ['rich: reactions add up and toggle', reactions],
  ['rich: a group owner deletes a member\'s message; a member may not delete the owner\'s', groupDeletion],
  ['rich: each message menu offers only what the person may do (desktop and phone)', messageMenus],
  ['rich: search finds 世界 in 你好世界, marks it, opens the message', search],
  ['rich: an upload interrupted and resumed; one cancelled', resumedUpload],
  ['rich: a profile picture, seen by the other side', profilePicture],
];
