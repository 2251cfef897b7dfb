// Regenerates appPackage/color.png (192x192) and appPackage/outline.png (32x32): a briefcase glyph.
// Run: node dist/src/tools/make-icons.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

type Shape = (x: number, y: number) => boolean;

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes 8-bit RGBA pixels (row-major) as a PNG, every row with filter type 0. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA)
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const roundRect =
  (x0: number, y0: number, x1: number, y1: number, r: number): Shape =>
  (x, y) => {
    const dx = x - Math.min(Math.max(x, x0 + r), x1 - r);
    const dy = y - Math.min(Math.max(y, y0 + r), y1 - r);
    return dx * dx + dy * dy <= r * r;
  };
const ring = (x0: number, y0: number, x1: number, y1: number, r: number, t: number): Shape => {
  const outer = roundRect(x0, y0, x1, y1, r);
  const inner = roundRect(x0 + t, y0 + t, x1 - t, y1 - t, Math.max(r - t, 0));
  return (x, y) => outer(x, y) && !inner(x, y);
};
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => roundRect(x0, y0, x1, y1, 0);

/** Renders a shape with 4x4 supersampling; returns per-pixel coverage in [0, 1]. */
function coverage(size: number, shape: Shape): Float64Array {
  const out = new Float64Array(size * size);
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let i = 0; i < 16; i++) if (shape(px + ((i % 4) + 0.5) / 4, py + (Math.floor(i / 4) + 0.5) / 4)) hits++;
      out[py * size + px] = hits / 16;
    }
  return out;
}

export function colorIcon(): Buffer {
  const body = roundRect(40, 68, 152, 148, 12);
  const stripe = rect(40, 100, 152, 108);
  const handle = ring(72, 42, 120, 80, 12, 10);
  const clasp = roundRect(84, 92, 108, 116, 4);
  const white = coverage(192, (x, y) => (body(x, y) && !stripe(x, y)) || handle(x, y) || clasp(x, y));
  const blue = [0x0a, 0x66, 0xc2];
  const rgba = Buffer.alloc(192 * 192 * 4);
  white.forEach((c, i) => {
    for (let ch = 0; ch < 3; ch++) rgba[i * 4 + ch] = Math.round(blue[ch] + (255 - blue[ch]) * c);
    rgba[i * 4 + 3] = 255;
  });
  return encodePng(192, 192, rgba);
}

export function outlineIcon(): Buffer {
  const body = ring(3, 10, 29, 28, 3, 2);
  const handle = ring(11, 5, 21, 12, 2, 2);
  const seam = rect(3, 17, 29, 19);
  const alpha = coverage(32, (x, y) => body(x, y) || handle(x, y) || seam(x, y));
  const rgba = Buffer.alloc(32 * 32 * 4);
  alpha.forEach((a, i) => {
    rgba.fill(255, i * 4, i * 4 + 3); // white only; the shape lives in the alpha channel
    rgba[i * 4 + 3] = Math.round(a * 255);
  });
  return encodePng(32, 32, rgba);
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', '..', 'appPackage');
  fs.writeFileSync(path.join(dir, 'color.png'), colorIcon());
  fs.writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
  console.log(`wrote ${dir}/color.png and ${dir}/outline.png`);
}
