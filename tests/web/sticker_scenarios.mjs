// Stickers in the browser (suite `stickers`): Ana makes a pack in the pack manager, adds a
// sticker from a file with its keywords and shows its share link; Ben opens the link on his
// phone and adds the pack to his collection; Ana opens the sticker picker beside the emoji
// picker in her chat with Ben and sends a built-in sticker and her own; both show large
// without a bubble on Ben's phone, live, and the Recent row remembers them. Then the pack
// manager on a phone in Chinese and French. Every screenshot is checked by axe and for leaked
// values (run.mjs).
import { api, loginViaUi, startChat } from './lib/app.mjs';
import { createPerson, DESKTOP, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { pngBytes } from './lib/png.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

async function makeShareAndSend(world) {
  const ana = await createPerson(world, 'st_ana', 'Ana');
  const ben = await createPerson(world, 'st_ben', 'Ben');
  await makeFriends(world, ana, ben);
  const anaPage = await newDevice(world, { viewport: DESKTOP });
  const benPage = await newDevice(world, { viewport: PHONE });
  await loginViaUi(anaPage, world.baseUrl, 'st_ana');
  await loginViaUi(benPage, world.baseUrl, 'st_ben');

  // Ana's pack, with one sticker from a file.
  await anaPage.goto(`${world.baseUrl}/sticker-packs`);
  await anaPage.locator('#stickers-title').waitFor();
  await anaPage.locator('.sticker-pack[data-slug="default"] .sticker-cell img').nth(7).waitFor();
  await anaPage.locator('#sticker-pack-name').fill('Sunsets');
  await anaPage.locator('.sticker-create button[type=submit]').click();
  const pack = anaPage.locator('.sticker-pack', { hasText: 'Sunsets' });
  await pack.locator('.sticker-link').waitFor(); // a new pack shows its share link at once
  await pack.locator('.sticker-keywords-input').fill('sunset orange');
  await pack.locator('input[type=file]').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: pngBytes(256, 256, 30) });
  await pack.locator('.sticker-cell img[src^="blob:"]').waitFor();
  assertEqual(await pack.locator('.sticker-keywords').innerText(), 'sunset orange', 'the keywords show under the sticker');
  // A second sticker, then moved before the first.
  await pack.locator('.sticker-keywords-input').fill('sunrise pink');
  await pack.locator('input[type=file]').setInputFiles({ name: 'sunrise.png', mimeType: 'image/png', buffer: pngBytes(256, 256, 200) });
  await pack.locator('.sticker-cell img[src^="blob:"]').nth(1).waitFor();
  await pack.locator('button.sticker-earlier[aria-label="Move “sunrise pink” earlier"]').click();
  await eventually(async () => assertEqual((await pack.locator('.sticker-keywords').allInnerTexts()).join(', '), 'sunrise pink, sunset orange', 'the new order'), 'the sticker moved');
  const link = await pack.locator('.sticker-link').inputValue();
  assert(/\/sticker-packs\?pack=[0-9a-f]{32}$/.test(link), `a share link: ${link}`);
  await anaPage.screenshot({ path: world.screenshot('stickers-01-manager') });

  // Ben opens the link on his phone and collects the pack.
  await benPage.goto(link);
  const shared = benPage.locator('.sticker-pack', { hasText: 'Sunsets' });
  await shared.locator('.sticker-cell img[src^="blob:"]').nth(1).waitFor();
  await benPage.screenshot({ path: world.screenshot('stickers-02-shared-link-phone') });
  await shared.locator('button.sticker-collect').click();
  await shared.locator('button.sticker-drop').waitFor();
  const shelf = await api(world.baseUrl, 'GET', '/stickers', { token: ben.token });
  assert(shelf.packs.some((p) => p.name === 'Sunsets'), 'the pack is in Ben\'s collection');

  // Ana sends a built-in sticker and her own from the picker.
  await anaPage.goto(world.baseUrl);
  await anaPage.locator('.conversation-list').waitFor();
  await startChat(anaPage, 'st_ben');
  await anaPage.locator('button.sticker-button').click();
  await anaPage.locator('.sticker-picker .sticker-choice img').first().waitFor();
  await anaPage.screenshot({ path: world.screenshot('stickers-03-picker') });
  await anaPage.locator('.sticker-picker .sticker-choice').first().click(); // the built-in pack: Recent is empty
  await anaPage.locator('.message.sticker img[src="/stickers/1.png"]').waitFor();
  await anaPage.locator('button.sticker-button').click();
  await anaPage.locator('.sticker-tab', { hasText: 'Sunsets' }).click();
  await anaPage.locator('.sticker-picker .sticker-choice[aria-label="sunset orange"]').click();
  await anaPage.locator('.message.sticker .sticker-body img[src^="blob:"]').waitFor();
  await anaPage.locator('.message.sticker .tick[data-state="sent"], .message.sticker .tick[data-state="delivered"], .message.sticker .tick[data-state="read"]').nth(1).waitFor();
  await anaPage.locator('button.sticker-button').click();
  await anaPage.locator('.sticker-tab[aria-selected="true"]', { hasText: 'Recent' }).waitFor();
  assertEqual(await anaPage.locator('.sticker-picker .sticker-choice').count(), 2, 'Recent holds both stickers');
  await anaPage.keyboard.press('Escape');

  // Ben's phone: both arrive live, large, without a bubble.
  await benPage.goto(world.baseUrl);
  await benPage.locator('.conversation-list li').first().click();
  await benPage.locator('.message.sticker img[src="/stickers/1.png"]').waitFor();
  await benPage.locator('.message.sticker img[src^="blob:"]').waitFor();
  const background = await benPage.locator('.message.sticker .bubble').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert(background === 'rgba(0, 0, 0, 0)' || background === 'transparent', `no bubble behind a sticker: ${background}`);
  await benPage.screenshot({ path: world.screenshot('stickers-04-chat-phone') });
  await anaPage.screenshot({ path: world.screenshot('stickers-05-chat-desktop') });
  await anaPage.context().close();
  await benPage.context().close();
}

async function managerInChineseAndFrench(world) {
  for (const [lang, locale, title] of [['zh', 'zh-CN', '表情包'], ['fr', 'fr-FR', 'Paquets d’autocollants']]) {
    const me = await createPerson(world, `st_phone_${lang}`, { zh: '小红', fr: 'Noé' }[lang]);
    const first = { zh: '猫咪', fr: 'Chats' }[lang];
    const second = { zh: '小狗', fr: 'Chiens' }[lang];
    for (const name of [first, second]) await api(world.baseUrl, 'POST', '/stickers/packs', { token: me.token, body: { name } });
    const page = await newDevice(world, { viewport: PHONE, locale });
    await loginViaUi(page, world.baseUrl, `st_phone_${lang}`);
    await page.goto(`${world.baseUrl}/sticker-packs`);
    await page.locator('#stickers-title', { hasText: title }).waitFor();
    await page.locator('.sticker-pack').nth(2).waitFor();
    await page.locator('.sticker-pack', { hasText: first }).locator('button.sticker-pack-down').click(); // the first pack moves below the second
    await eventually(async () => assertEqual(await page.locator('.sticker-pack h3').nth(1).innerText(), second, 'the new order'), 'the pack moved');
    const shelf = await api(world.baseUrl, 'GET', '/stickers', { token: me.token });
    assertEqual(shelf.packs.filter((p) => !p.builtin).map((p) => p.name).join(' '), `${second} ${first}`, 'the server keeps the order');
    await page.screenshot({ path: world.screenshot(`stickers-phone-${lang}`) });
    const doomed = page.locator('.sticker-pack', { hasText: first });
    await doomed.locator('button.sticker-delete').click();
    await doomed.locator('.confirm-question').waitFor();
    await page.screenshot({ path: world.screenshot(`stickers-phone-${lang}-delete`) });
    await doomed.locator('button.confirm').click();
    await page.locator('.sticker-pack', { hasText: first }).waitFor({ state: 'detached' });
    await page.context().close();
  }
}

export const stickerScenarios = [
  ['stickers: make a pack, share it by link, collect it, send stickers from the picker', makeShareAndSend],
  ['stickers: the pack manager on a phone in zh and fr', managerInChineseAndFrench],
];
