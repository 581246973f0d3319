// video: videos for the browser tests, made by Debian's ffmpeg command (scripts/install-deps).
// mp4Bytes(seconds) is a 480x270 test pattern with a tone, `seconds` long, H.264 + AAC in MP4.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function mp4Bytes(seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-video-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=s=480x270:r=15:d=${seconds}`,
      '-f', 'lavfi', '-i', `sine=d=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', file]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
