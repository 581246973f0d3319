// Scenarios of the server's limits as a person meets them: a text over max_text_bytes and a
// file over max_upload_bytes (both from the `welcome` frame) are stopped before sending and
// said in words with the limit, in the person's language; the text stays in the field to be
// shortened. Self-contained: Mia (English desktop) and Ned (Chinese phone), friends, made here.
import { bubbles, loginViaUi, sendText, startChat } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { assertEqual } from './lib/wait.mjs';

async function dropHugeFile(page) {
  await page.locator('.chat').evaluate((chat) => {
    const data = new DataTransfer();
    data.items.add(new File([new ArrayBuffer(101 * 1024 * 1024)], 'holiday.mov'));
    chat.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
}

async function limitsBeforeSending(world) {
  await makeFriends(world, await createPerson(world, 'mia', 'Mia'), await createPerson(world, 'ned', 'Ned'));
  const mia = await newDevice(world);
  await loginViaUi(mia, world.baseUrl, 'mia');
  await startChat(mia, 'ned');
  await sendText(mia, 'first, a short one');
  // Stored: the new chat has become its conversation's (a new view), where the alert will show.
  await mia.locator('.message.mine .tick:not([data-state=sending])').waitFor();
  const long = 'a'.repeat(20000);
  await mia.locator('#composer-text').fill(long);
  await mia.locator('.length-counter.over', { hasText: '20 kB of 16.4 kB' }).waitFor();
  await mia.locator('#composer-text').press('Enter');
  await mia.locator('.chat-alert', { hasText: 'Too long to send: 20 kB, and the limit is 16.4 kB.' }).waitFor();
  assertEqual((await mia.locator('#composer-text').inputValue()).length, long.length, 'the text stays to be shortened');
  assertEqual(await mia.locator('.message.mine').count(), 1, 'nothing sent');
  await mia.screenshot({ path: world.screenshot('25-text-too-long-en-desktop') });

  const ned = await newDevice(world, { viewport: PHONE, locale: 'zh-CN' });
  await loginViaUi(ned, world.baseUrl, 'ned');
  await ned.locator('.conversation a', { hasText: 'Mia' }).click();
  await bubbles(ned, 'first, a short one').waitFor();
  await dropHugeFile(ned);
  await ned.locator('.chat-alert', { hasText: '“holiday.mov”太大，无法发送：105.9 MB，上限为 104.9 MB。' }).waitFor();
  assertEqual(await ned.locator('.upload').count(), 0, 'no upload started');
  await ned.screenshot({ path: world.screenshot('26-file-too-large-zh-phone') });

  await mia.locator('#composer-text').fill('shorter now ✂️');
  await mia.locator('.length-counter').waitFor({ state: 'hidden' });
  await mia.locator('#composer-text').press('Enter');
  await bubbles(ned, 'shorter now').waitFor();
  await mia.locator('.chat-alert').waitFor({ state: 'hidden' });
  for (const page of [mia, ned]) await page.context().close();
}

export const limitsScenarios = [
  ['limits: a text over the limit and a file over it are stopped before sending, said with the limit (en, zh)', limitsBeforeSending],
];
