// One-time generator of the voice fixtures committed beside it (run by hand, not by ctest):
//   node tests/media/data/make-fixtures.mjs
// - sine-2000ms.opus: 2.000 s of a 440 Hz sine (a WAV written here), encoded by opusenc
//   (opus-tools). The truth is the WAV's length.
// - chromium-voice.webm: about 2 s recorded by Chromium's MediaRecorder from the fake microphone
//   (--use-fake-device-for-media-stream), exactly as the web app records voice: unknown-size
//   Segment and Clusters, no Duration element. chromium-voice.json holds the truth: the duration
//   of the audio Chromium itself decodes from those bytes (decodeAudioData).
// Needs opusenc, /usr/bin/chromium and playwright-core (npm ci --prefix tests/web).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

function sineWav(seconds, rate = 48000, hz = 440) {
  const samples = Math.round(seconds * rate);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i += 1) {
    wav.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  return wav;
}

function makeOgg() {
  const wavPath = path.join(here, 'sine-2000ms.wav');
  writeFileSync(wavPath, sineWav(2.0));
  execFileSync('opusenc', ['--quiet', '--bitrate', '16', '--comment', 'title=parley fixture',
    wavPath, path.join(here, 'sine-2000ms.opus')]);
  execFileSync('rm', [wavPath]);
}

const recordPage = `<!doctype html><script>
async function record(ms) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const recorder = new MediaRecorder(stream, {
    mimeType: 'audio/webm;codecs=opus', audioBitsPerSecond: 48000,
  });
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start(250);
  await new Promise((resolve) => setTimeout(resolve, ms));
  recorder.stop();
  await stopped;
  stream.getTracks().forEach((t) => t.stop());
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  const decoded = await new AudioContext().decodeAudioData(bytes.buffer.slice(0));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { base64: btoa(binary), durationMs: decoded.duration * 1000 };
}
</script>`;

async function makeWebm() {
  const server = createServer((req, res) => res.end(recordPage));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const { base64, durationMs } = await page.evaluate(() => window.record(2000));
    writeFileSync(path.join(here, 'chromium-voice.webm'), Buffer.from(base64, 'base64'));
    writeFileSync(path.join(here, 'chromium-voice.json'),
      `${JSON.stringify({ duration_ms: Math.round(durationMs) })}\n`);
  } finally {
    await browser.close();
    server.close();
  }
}

makeOgg();
await makeWebm();
