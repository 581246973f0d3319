// Scenarios of the narrowest phones (320 px wide, en and fr, whose words are longest): the
// composer's placeholder is whole (the stickers open from the emoji picker), a friend's name keeps one line beside the Friends screen's
// buttons, and a group's members show one "⋯" menu each instead of rows of buttons.
// Self-contained: Vera, Walt and Xena, friends, made here.
import { loginViaUi, memberAction, memberRow, startChat } from './lib/app.mjs';
import { createGroup, createPerson, makeFriends, newDevice } from './lib/people.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const NARROW = { width: 320, height: 640 };

// Whether the field's placeholder fits its box, measured with the field's own font.
async function placeholderFits(page) {
  return page.locator('#composer-text').evaluate((field) => {
    const style = getComputedStyle(field);
    const g = document.createElement('canvas').getContext('2d');
    g.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text: g.measureText(field.placeholder).width, room };
  });
}

// My long name in the list's header: one line, as much of it as fits (at least 5rem), cut with
// "…", the whole name in its title.
async function checkMyName(page, where) {
  const me = page.locator('.pane-header .me');
  assertEqual(await me.getAttribute('title'), 'Vera Lindqvist-Montgomery', `${where}: my whole name in the title`);
  const { width, lines } = await me.evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return { width: node.getBoundingClientRect().width, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
  });
  assert(width >= 80, `${where}: my name has room (${Math.round(width)} px)`);
  assertEqual(lines, 1, `${where}: my name on one line`);
}

async function narrowPhone(world) {
  const vera = await createPerson(world, 'vera', 'Vera Lindqvist-Montgomery');
  for (const [username, name] of [['walt', 'Walter Fenwick'], ['xena', 'Xena']]) await makeFriends(world, vera, await createPerson(world, username, name));
  await createGroup(world, vera, 'Tiny screens', [{ id: (await createPerson(world, 'yuri', 'Yuri')).id }]);
  for (const locale of ['en-US', 'fr-FR']) {
    const page = await newDevice(world, { viewport: NARROW, locale });
    await loginViaUi(page, world.baseUrl, 'vera');
    await checkMyName(page, `320-${locale}`);
    await page.screenshot({ path: world.screenshot(`28b-list-long-name-320-${locale}`) });
    await startChat(page, 'walt');
    const { text, room } = await placeholderFits(page);
    assert(text <= room, `${locale}: the placeholder fits (${Math.round(text)} px of text in ${Math.round(room)} px)`);
    await page.screenshot({ path: world.screenshot(`29-composer-320-${locale}`) });
    // The sticker button gave its room to the field: the emoji picker leads to the stickers.
    assert(await page.locator('.composer .sticker-button').isHidden(), `${locale}: no sticker button at 320 px`);
    await page.locator('.composer-row > button.icon-button[aria-haspopup="dialog"]').first().click();
    await page.locator('.emoji-picker .emoji-to-stickers').click();
    await page.locator('.sticker-picker .sticker-choice').first().waitFor();
    await page.screenshot({ path: world.screenshot(`29b-stickers-320-${locale}`) });
    await page.keyboard.press('Escape');
    await page.locator('.sticker-picker').waitFor({ state: 'hidden' });

    await page.locator('.chat .back').click();
    await page.locator('a.friends-link').click();
    const names = page.locator('.friends .person-name');
    await names.nth(1).waitFor();
    // eventually: a live update (presence) may re-render the list while it is measured.
    await eventually(async () => {
      const lines = await names.evaluateAll((nodes) => nodes.map((node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return [node.textContent, range.getClientRects().length];
      }));
      for (const [name, count] of lines) assertEqual(count, 1, `${locale}: ${name} on one line`);
    }, 'every friend\'s name on one line');
    await page.screenshot({ path: world.screenshot(`30-friends-320-${locale}`) });

    await page.locator('.friends-screen .back').click();
    await page.locator('.conversation.group a', { hasText: 'Tiny screens' }).click();
    await page.locator('.group-info-button').click();
    await memberRow(page, 'Yuri').waitFor();
    assertEqual(await memberRow(page, 'Yuri').locator('button:visible').count(), 0, 'no buttons until the menu opens');
    await page.screenshot({ path: world.screenshot(`31-group-info-320-${locale}`) });
    await (await memberAction(page, 'Yuri', locale === 'en-US' ? 'Make admin' : 'Nommer admin')).waitFor();
    await page.screenshot({ path: world.screenshot(`32-member-menu-320-${locale}`) });
    await page.context().close();
  }
  for (const [where, viewport] of [['390', { width: 390, height: 844 }], ['desktop', { width: 1100, height: 720 }]]) {
    const page = await newDevice(world, { viewport, locale: 'en-US' });
    await loginViaUi(page, world.baseUrl, 'vera');
    await checkMyName(page, where);
    if (where === '390') await page.screenshot({ path: world.screenshot('28c-list-long-name-390-en-US') });
    await page.context().close();
  }
}

export const narrowScenarios = [
  ['320 px phones: the composer placeholder fits, friends keep their names on one line, members\' actions behind "⋯" (en, fr)', narrowPhone],
];
