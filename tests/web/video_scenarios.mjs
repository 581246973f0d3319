// Video messages in the browser (suite `video`): Ana records a video with Chromium's fake camera
// and microphone and sends it; Ben sees the poster with its duration and plays it in a
// <video controls>; Ana then picks an MP4 made by the ffmpeg command, and a PNG named .mp4,
// which is refused in words. Then a video picked on a phone, in English, Chinese and French.
// Every screenshot is checked by axe and for leaked values (run.mjs).
import { loginViaUi, startChat } from './lib/app.mjs';
import { createPerson, DESKTOP, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { pngBytes } from './lib/png.mjs';
import { mp4Bytes } from './lib/video.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

async function openConversation(page, name) {
  await page.locator('.conversation a', { hasText: name }).click();
  await page.locator('#composer-text').waitFor();
}

const posterLoaded = (page) => page.locator('.media-video .video-frame img[data-loaded=true]');

async function recordSendAndPlay(world) {
  const ana = await createPerson(world, 'vid_ana', 'Ana');
  const ben = await createPerson(world, 'vid_ben', 'Ben');
  await makeFriends(world, ana, ben);
  const anaPage = await newDevice(world, { viewport: DESKTOP });
  const benPage = await newDevice(world, { viewport: DESKTOP });
  await loginViaUi(anaPage, world.baseUrl, 'vid_ana');
  await loginViaUi(benPage, world.baseUrl, 'vid_ben');
  await startChat(anaPage, 'vid_ben');

  // Recorded with the fake camera: the live picture shows while it records.
  await anaPage.locator('button.video-record').click();
  const recorder = anaPage.locator('.video-recorder');
  await recorder.waitFor();
  const recordingFrom = Date.now();
  await eventually(async () => assert(await recorder.locator('video').evaluate((v) => v.readyState >= 2), 'live'), 'the camera shows');
  await recorder.locator('.recording-time', { hasText: /^0:02/ }).waitFor();
  await anaPage.screenshot({ path: world.screenshot('video-01-recording') });
  // The screenshot's checks take their time on a busy machine: the recording goes on meanwhile.
  const recordedSeconds = (Date.now() - recordingFrom) / 1000;
  await recorder.locator('.recording-send').click();
  await recorder.waitFor({ state: 'detached' });
  await posterLoaded(anaPage).waitFor();

  // Ben: the poster, the duration, then the player.
  await openConversation(benPage, 'Ana');
  await posterLoaded(benPage).waitFor();
  const duration = await benPage.locator('.video-duration').textContent();
  const [minutes, seconds] = duration.split(':').map(Number);
  assert(minutes * 60 + seconds >= 2 && Math.abs(minutes * 60 + seconds - recordedSeconds) <= 1.5,
    `the duration shown (${duration}) is how long it recorded (${recordedSeconds.toFixed(1)} s)`);
  assert(!(await benPage.locator('.video-frame img').evaluate((img) => img.classList.contains('blur'))), 'the poster is sharp');
  await benPage.screenshot({ path: world.screenshot('video-02-poster') });
  await benPage.locator('.video-play').click();
  const player = benPage.locator('.media-video[data-state=playing] video[controls]');
  await player.waitFor();
  await player.evaluate((v) => (v.paused ? v.play() : null));
  await eventually(async () => assert(await player.evaluate((v) => v.currentTime > 0.3 && v.videoWidth > 0), 'playing'), 'the video plays');
  await benPage.screenshot({ path: world.screenshot('video-03-playing') });

  // A file from the attach button: an MP4 becomes a video; a PNG named .mp4 is refused in words.
  await anaPage.locator('#composer-files').setInputFiles({ name: 'trip.mp4', mimeType: 'video/mp4', buffer: mp4Bytes(3) });
  // (The first video's poster gave way to its player.)
  const picked = benPage.locator('.media-video').nth(1);
  await picked.locator('.video-frame img[data-loaded=true]').waitFor();
  assertEqual(await picked.locator('.video-duration').textContent(), '0:03', 'the MP4 lasts 3 s');
  await anaPage.locator('#composer-files').setInputFiles({ name: 'holiday.mp4', mimeType: 'video/mp4', buffer: pngBytes(64, 64, 30) });
  const refused = anaPage.locator('.upload[data-phase=failed] .upload-error');
  await refused.waitFor();
  assert((await refused.textContent()).includes('This video cannot be used'), `refused in words: ${await refused.textContent()}`);
  await anaPage.screenshot({ path: world.screenshot('video-04-refused') });
  await anaPage.context().close();
  await benPage.context().close();
}

async function phoneInThreeLanguages(world) {
  const clip = mp4Bytes(2);
  for (const [lang, locale, play] of [['en', 'en-US', 'Play the video'], ['zh', 'zh-CN', '播放视频'], ['fr', 'fr-FR', 'Lire la vidéo']]) {
    const me = await createPerson(world, `vid_phone_${lang}`, { en: 'Nina', zh: '小红', fr: 'Noé' }[lang]);
    const pal = await createPerson(world, `vid_pal_${lang}`, { en: 'Omar', zh: '小明', fr: 'Paule' }[lang]);
    await makeFriends(world, me, pal);
    const page = await newDevice(world, { viewport: PHONE, locale });
    await loginViaUi(page, world.baseUrl, `vid_phone_${lang}`);
    await startChat(page, `vid_pal_${lang}`);
    assert(await page.locator('button.video-record').isVisible(), 'the camera button shows on a phone');
    await page.locator('#composer-files').setInputFiles({ name: 'clip.mp4', mimeType: 'video/mp4', buffer: clip });
    await posterLoaded(page).waitFor();
    assert((await page.locator('.video-play').getAttribute('aria-label')).startsWith(play), 'the play button speaks the language');
    await page.screenshot({ path: world.screenshot(`video-phone-${lang}`) });
    if (lang === 'en') {
      await page.locator('.video-play').click();
      const player = page.locator('.media-video[data-state=playing] video[controls]');
      await player.waitFor();
      await player.evaluate((v) => (v.paused ? v.play() : null));
      await eventually(async () => assert(await player.evaluate((v) => v.currentTime > 0.2), 'playing'), 'the video plays on a phone');
      await page.screenshot({ path: world.screenshot('video-phone-playing') });
    }
    await page.context().close();
  }
}

export const videoScenarios = [
  ['video: recorded with the camera, sent, its poster and duration shown, played; a picked MP4; a refused one', recordSendAndPlay],
  ['video: a picked video on a phone in en, zh and fr', phoneInThreeLanguages],
];
