// Media on S3 with downloads redirected to presigned URLs (docs/operations.md, "Media on
// S3-compatible storage"), in the browser: a parleyd of the scenario's own keeps its media in a
// real S3 server on loopback (tests/peers/s3_peer.mjs, the npm s3rver, with the CORS rule an
// operator sets for the web app's origin) and answers media downloads with 302 to the bucket.
// A picture sent in a chat shows for the recipient, thumbnail and full size, fetched from the
// bucket: the web app's Content-Security-Policy admits the bucket's origin (run.mjs fails the
// scenario on any violation) and the bucket saw the presigned GETs. Screenshots s3-media-*.png
// on a desktop and a phone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loginViaUi, startChat } from './lib/app.mjs';
import { createPerson, makeFriends, newDevice, PHONE } from './lib/people.mjs';
import { pngBytes } from './lib/png.mjs';
import { assert, assertEqual, eventually } from './lib/wait.mjs';

const PEER = fileURLToPath(new URL('../peers/s3_peer.mjs', import.meta.url));
const BUCKET = 'parley-media';

// The S3 server on loopback; resolves with {endpoint, requests, stop}: `requests` fills with
// every request it answered ({method, path, query, status}).
async function startBucket(dir) {
  const child = spawn(process.execPath, [PEER, '--dir', dir, '--bucket', BUCKET, '--cors-origin', 'http://127.0.0.1:*'],
    { cwd: path.dirname(PEER), stdio: ['pipe', 'pipe', 'inherit'] });
  const requests = [];
  const port = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line);
      if (parsed.listening) resolve(parsed.listening);
      else requests.push(parsed.request);
    });
    child.on('exit', (code) => reject(new Error(`s3 peer exited (${code})`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, requests, stop: () => child.kill('SIGKILL') };
}

async function pictureFromTheBucket(world) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-s3-'));
  const bucket = await startBucket(path.join(dir, 'bucket'));
  const secretFile = path.join(dir, 's3-secret');
  writeFileSync(secretFile, 'S3RVER\n');
  let server = null;
  try {
    server = await world.startServer(['--media-store', 's3', '--s3-endpoint', bucket.endpoint,
      '--s3-bucket', BUCKET, '--s3-access-key', 'S3RVER', '--s3-secret-key-file', secretFile,
      '--s3-downloads', 'redirect']);
    const here = { baseUrl: server.url };
    const sam = await createPerson(here, 's3_sam', 'Sam');
    const tess = await createPerson(here, 's3_tess', 'Tess');
    await makeFriends(here, sam, tess);
    const sender = await newDevice(world);
    const reader = await newDevice(world, { viewport: PHONE });
    await loginViaUi(sender, server.url, 's3_sam');
    await loginViaUi(reader, server.url, 's3_tess');
    await startChat(sender, 's3_tess');
    await sender.locator('#composer-files').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: pngBytes(1200, 800, 30) });

    await reader.locator('.conversation a', { hasText: 'Sam' }).click();
    const thumbnail = reader.locator('.media-image img[data-loaded=true]');
    await thumbnail.waitFor();
    assert(await thumbnail.evaluate((el) => el.naturalWidth > 0), 'the thumbnail shows');
    await reader.screenshot({ path: world.screenshot('s3-media-01-chat-phone') });
    await reader.locator('.media-image').click();
    const full = reader.locator('.lightbox .lightbox-image[data-loaded=true]');
    await full.waitFor();
    assertEqual(await full.evaluate((el) => el.naturalWidth), 1200, 'the full picture');
    await reader.screenshot({ path: world.screenshot('s3-media-02-lightbox-phone') });
    await sender.locator('.media-image img[data-loaded=true]').waitFor();
    await sender.screenshot({ path: world.screenshot('s3-media-03-chat-desktop') });

    // Both came from the bucket, by presigned URL (parleyd's own reads carry no signature in
    // the query).
    await eventually(() => {
      const presigned = bucket.requests.filter((r) => r.method === 'GET' && r.status === 200 &&
        r.path.startsWith(`/${BUCKET}/blobs/`) && r.query['X-Amz-Signature']);
      assert(presigned.length >= 2, `presigned GETs from the bucket: ${JSON.stringify(bucket.requests)}`);
    }, 'the browser fetched from the bucket');
    await sender.context().close();
    await reader.context().close();
  } finally {
    server?.stop();
    bucket.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const s3MediaScenarios = [
  ['s3 media: a picture fetched by the browser from the bucket (downloads redirected)', pictureFromTheBucket],
];
