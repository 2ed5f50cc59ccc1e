// Draws images/icon.png (128x128): a package box with an arrow rising beside it, on a blue tile.
// Run by hand when the design changes: node scripts/make-icon.js. No dependencies beyond node.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZE = 128;
const SAMPLES = 4; // 4x4 supersampling per pixel for smooth edges

function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x, y, ax, ay, bx, by, cx, cy) {
  const s = (p, q, r, t, u, v) => (p - u) * (t - v) - (r - u) * (q - v);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  const neg = d1 < 0 || d2 < 0 || d3 < 0;
  const pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}

// Shapes painted in order; the last one that covers a point wins.
const shapes = [
  // tile, with a vertical gradient from a deep blue to a lighter one
  (x, y) => (inRoundRect(x, y, 4, 4, 124, 124, 22) ? mix([14, 72, 150], [30, 136, 229], y / SIZE) : null),
  // box body
  (x, y) => (inRoundRect(x, y, 22, 60, 80, 108, 5) ? [245, 248, 252] : null),
  // box lid, a little wider and shaded
  (x, y) => (inRoundRect(x, y, 18, 50, 84, 64, 4) ? [208, 222, 240] : null),
  // tape across the lid and down the body
  (x, y) => (x >= 45 && x <= 57 && y >= 50 && y <= 108 ? [255, 193, 7] : null),
  // arrow shaft and head: promotion
  (x, y) => (inRoundRect(x, y, 94, 44, 108, 108, 3) ? [129, 230, 142] : null),
  (x, y) => (inTriangle(x, y, 101, 18, 84, 48, 118, 48) ? [129, 230, 142] : null),
];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

function pixel(px, py) {
  let r = 0, g = 0, b = 0, a = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const x = px + (sx + 0.5) / SAMPLES;
      const y = py + (sy + 0.5) / SAMPLES;
      let c = null;
      for (const shape of shapes) c = shape(x, y) || c;
      if (c) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
    }
  }
  const n = SAMPLES * SAMPLES;
  const covered = a / 255;
  return covered === 0 ? [0, 0, 0, 0] : [r / covered, g / covered, b / covered, a / n].map(Math.round);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png() {
  const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    raw[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = path.resolve(__dirname, '..', 'images', 'icon.png');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, png());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
