// Moments in the browser (suite `moments`): three people, each set up here. Ana posts a moment
// with two photos from the composer; Ben, her friend, sees the "new moments" dot arrive live,
// likes and comments; Ana's open feed shows it live and she replies; Cai, Ana's friend but not
// Ben's, comments through the API: Ana sees it, Ben does not (the WeChat rule). Then the
// author's page, the audience picker, and the screen on a phone in English, Chinese and French.
// Then a moment with a video: a video picked with a photo is refused in words, a video alone is
// posted, and a friend plays it on a phone.
// Every screenshot is checked by axe and for leaked values (run.mjs).
import { api, loginViaUi } from './lib/app.mjs';
import { createPerson, DESKTOP, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { pngBytes } from './lib/png.mjs';
import { mp4Bytes } from './lib/video.mjs';
import { assert, assertEqual } from './lib/wait.mjs';

const momentWith = (page, text) => page.locator('.moment', { hasText: text });

async function openMoments(page) {
  await page.locator('a.moments-link').click();
  await page.locator('#moments-title').waitFor();
}

async function postLikeCommentReply(world) {
  const ana = await createPerson(world, 'mo_ana', 'Ana');
  const ben = await createPerson(world, 'mo_ben', 'Ben');
  const cai = await createPerson(world, 'mo_cai', 'Cai');
  await makeFriends(world, ana, ben);
  await makeFriends(world, ana, cai);
  const anaPage = await newDevice(world, { viewport: DESKTOP });
  const benPage = await newDevice(world, { viewport: DESKTOP });
  await loginViaUi(anaPage, world.baseUrl, 'mo_ana');
  await loginViaUi(benPage, world.baseUrl, 'mo_ben');

  await openMoments(anaPage);
  await anaPage.locator('.moments-list .empty').waitFor();
  await anaPage.locator('#moment-text').fill('Picnic by the river 🧺');
  await anaPage.locator('#moment-location').fill('Lyon');
  await anaPage.locator('#moment-photos').setInputFiles([
    { name: 'river.png', mimeType: 'image/png', buffer: pngBytes(640, 480, 120) },
    { name: 'basket.png', mimeType: 'image/png', buffer: pngBytes(480, 640, 20) },
  ]);
  await anaPage.locator('.composer-photos li').nth(1).waitFor();
  await anaPage.locator('.moment-composer button[type=submit]:not([disabled])').waitFor(); // both uploaded
  await anaPage.screenshot({ path: world.screenshot('moments-01-composer') });
  await anaPage.locator('.moment-composer button[type=submit]').click();
  const anaMoment = momentWith(anaPage, 'Picnic by the river');
  await anaMoment.locator('.moment-photos img[src^="blob:"]').nth(1).waitFor();
  assertEqual(await anaPage.locator('.composer-photos li').count(), 0, 'the composer is empty again');

  // Ben: the dot arrives live, then the moment with its photos.
  await benPage.locator('a.moments-link .moments-dot:not([hidden])').waitFor();
  await benPage.screenshot({ path: world.screenshot('moments-02-dot') });
  await openMoments(benPage);
  assert(await benPage.locator('a.moments-link .moments-dot').isHidden(), 'opening Moments clears the dot');
  const benMoment = momentWith(benPage, 'Picnic by the river');
  await benMoment.locator('.moment-photos img[src^="blob:"]').nth(1).waitFor();
  assert((await benMoment.locator('.moment-meta').innerText()).includes('Lyon'), 'the place is shown');
  await benMoment.locator('button.like').click();
  await benMoment.locator('.moment-likes', { hasText: 'Ben' }).waitFor();
  await benMoment.locator('.comment-input').fill('Looks lovely!');
  await benMoment.locator('.comment-input').press('Enter');
  await benMoment.locator('.moment-comment', { hasText: 'Looks lovely!' }).waitFor();

  // Ana's open feed refreshes on the like and the comment; she replies.
  await anaMoment.locator('.moment-likes', { hasText: 'Ben' }).waitFor();
  const benComment = anaMoment.locator('.moment-comment', { hasText: 'Looks lovely!' });
  await benComment.waitFor();
  await benComment.locator('button', { hasText: 'Reply' }).click();
  await anaMoment.locator('.comment-input[placeholder="Reply to Ben"]').fill('Come next time!');
  await anaMoment.locator('.comment-input').press('Enter');
  await anaMoment.locator('.moment-comment', { hasText: 'Ana replied to Ben:' }).waitFor();

  // Cai is not Ben's friend: Ana sees Cai's comment, Ben does not.
  const { moments } = await api(world.baseUrl, 'GET', '/moments', { token: cai.token });
  await api(world.baseUrl, 'POST', `/moments/${moments[0].id}/comments`, { token: cai.token, body: { text: 'Save me a sandwich' } });
  await anaPage.locator('.moment-comment', { hasText: 'Save me a sandwich' }).waitFor(); // live: moment_commented
  await anaPage.screenshot({ path: world.screenshot('moments-03-feed-author') });
  await benMoment.locator('.moment-comment', { hasText: 'Come next time!' }).waitFor(); // the reply, live
  await benPage.reload();
  await momentWith(benPage, 'Picnic by the river').locator('.moment-comment', { hasText: 'Come next time!' }).waitFor();
  assertEqual(await benPage.locator('.moment-comment', { hasText: 'Save me a sandwich' }).count(), 0, 'Ben does not see the comment of Cai, who is not his friend');
  await benPage.screenshot({ path: world.screenshot('moments-04-feed-friend') });

  // Ana's own page, from the author link.
  await momentWith(benPage, 'Picnic by the river').locator('a.moment-author').click();
  await benPage.locator('#moments-title', { hasText: 'Moments of Ana' }).waitFor();
  await momentWith(benPage, 'Picnic by the river').waitFor();
  await benPage.screenshot({ path: world.screenshot('moments-05-author-page') });

  // Only some friends: Ben sees it, Cai does not.
  await anaPage.locator('#moment-text').fill('Only for Ben');
  await anaPage.locator('#moment-audience').selectOption('only');
  await anaPage.locator('.audience-people label', { hasText: 'Ben' }).locator('input').check();
  await anaPage.screenshot({ path: world.screenshot('moments-06-audience') });
  await anaPage.locator('.moment-composer button[type=submit]').click();
  await momentWith(anaPage, 'Only for Ben').waitFor();
  await momentWith(benPage, 'Only for Ben').waitFor(); // Ben's open page reloads on moment_posted
  const caiFeed = await api(world.baseUrl, 'GET', '/moments', { token: cai.token });
  assert(!caiFeed.moments.some((m) => m.text === 'Only for Ben'), 'Cai is not in the audience');
  await anaPage.context().close();
  await benPage.context().close();
}

async function phoneInThreeLanguages(world) {
  for (const [lang, locale, title] of [['en', 'en-US', 'Moments'], ['zh', 'zh-CN', '朋友圈'], ['fr', 'fr-FR', 'Moments']]) {
    const me = await createPerson(world, `mo_phone_${lang}`, { en: 'Nina', zh: '小红', fr: 'Noé' }[lang]);
    const pal = await createPerson(world, `mo_pal_${lang}`, { en: 'Omar', zh: '小明', fr: 'Paule' }[lang]);
    await makeFriends(world, me, pal);
    const { moment } = await api(world.baseUrl, 'POST', '/moments', { token: pal.token, body: { text: { en: 'First snow ❄️', zh: '初雪 ❄️', fr: 'Première neige ❄️' }[lang], location: 'Annecy' } });
    await api(world.baseUrl, 'PUT', `/moments/${moment.id}/like`, { token: me.token });
    await api(world.baseUrl, 'POST', `/moments/${moment.id}/comments`, { token: me.token, body: { text: '👍' } });
    const page = await newDevice(world, { viewport: PHONE, locale });
    await loginViaUi(page, world.baseUrl, `mo_phone_${lang}`);
    await page.goto(`${world.baseUrl}/moments`);
    await page.locator('#moments-title', { hasText: title }).waitFor();
    await page.locator('.moment .moment-comment').waitFor();
    await page.screenshot({ path: world.screenshot(`moments-phone-${lang}`) });
    await page.context().close();
  }
}

async function videoMoment(world) {
  const dora = await createPerson(world, 'mo_dora', 'Dora');
  const eli = await createPerson(world, 'mo_eli', 'Eli');
  await makeFriends(world, dora, eli);
  const doraPage = await newDevice(world, { viewport: DESKTOP });
  await loginViaUi(doraPage, world.baseUrl, 'mo_dora');
  await openMoments(doraPage);
  const clip = { name: 'waves.mp4', mimeType: 'video/mp4', buffer: mp4Bytes(2) };
  await doraPage.locator('#moment-photos').setInputFiles([clip, { name: 'sand.png', mimeType: 'image/png', buffer: pngBytes(320, 240, 60) }]);
  await doraPage.locator('.moment-composer .form-status', { hasText: 'one video' }).waitFor();
  assertEqual(await doraPage.locator('.composer-photos li').count(), 0, 'nothing attached');
  await doraPage.locator('#moment-photos').setInputFiles(clip);
  await doraPage.locator('.composer-video', { hasText: 'Video' }).waitFor();
  await doraPage.locator('.moment-composer button[type=submit]:not([disabled])').waitFor(); // uploaded and checked
  assert(await doraPage.locator('label[for=moment-photos]').isHidden(), 'one video is all a moment holds');
  await doraPage.locator('#moment-text').fill('Waves at Étretat 🌊');
  await doraPage.screenshot({ path: world.screenshot('moments-07-video-composer') });
  await doraPage.locator('.moment-composer button[type=submit]').click();
  await momentWith(doraPage, 'Waves at').locator('.moment-video .video-frame img[data-loaded=true]').waitFor();

  const eliPage = await newDevice(world, { viewport: PHONE });
  await loginViaUi(eliPage, world.baseUrl, 'mo_eli');
  await eliPage.goto(`${world.baseUrl}/moments`);
  const moment = momentWith(eliPage, 'Waves at');
  await moment.locator('.moment-video .video-frame img[data-loaded=true]').waitFor();
  await moment.locator('.video-play').click();
  await moment.locator('.media-video[data-state=playing] video[controls]').waitFor();
  await eliPage.screenshot({ path: world.screenshot('moments-phone-video') });
  await doraPage.context().close();
  await eliPage.context().close();
}

export const momentsScenarios = [
  ['moments: post with photos, the dot, likes, comments and replies live, the WeChat rule', postLikeCommentReply],
  ['moments: the feed on a phone in en, zh and fr', phoneInThreeLanguages],
  ['moments: a video moment, played by a friend on a phone', videoMoment],
];
