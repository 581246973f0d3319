// png: real PNG files made in the test (node's zlib): an RGB picture of a diagonal gradient with
// a coloured frame, so a thumbnail, a preview and a full image of it are told apart by size.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function pngBytes(width, height, hue = 0) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) {
      const frame = x < 12 || y < 12 || x >= width - 12 || y >= height - 12;
      const at = row + 1 + x * 3;
      rows[at] = frame ? 220 : (x * 255 / width + hue) % 256;
      rows[at + 1] = frame ? 60 : (y * 255 / height);
      rows[at + 2] = frame ? 60 : ((x + y) * 128 / (width + height) + hue) % 256;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}
