/**
 * The ID photo format: a 1-bit bitmap, small enough for a card (fig. 21's ID card).
 *   width u8 || height u8 || rows of ceil(width / 8) bytes, most significant bit first,
 *   1 = dark.
 * The card stores the bytes as they come; this codec is for the host and demo data.
 */
import { fail, ok, type Decoded } from '../../result.ts';

export interface Bitmap {
  width: number;
  height: number;
  /** Row-major, one entry per pixel, true = dark. */
  pixels: boolean[];
}

const rowBytes = (w: number) => Math.ceil(w / 8);

export function encodeBitmap(bm: Bitmap): Uint8Array {
  const { width: w, height: h } = bm;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || w > 255 || h < 1 || h > 255) throw new RangeError(`bitmap size out of range: ${w}x${h}`);
  if (bm.pixels.length !== w * h) throw new RangeError(`bitmap has ${bm.pixels.length} pixels, expected ${w * h}`);
  const out = new Uint8Array(2 + rowBytes(w) * h);
  out[0] = w;
  out[1] = h;
  bm.pixels.forEach((dark, i) => {
    if (!dark) return;
    const x = i % w;
    const y = Math.floor(i / w);
    const at = 2 + y * rowBytes(w) + (x >> 3);
    out[at] = (out[at] as number) | (0x80 >> (x & 7));
  });
  return out;
}

export function decodeBitmap(b: Uint8Array): Decoded<Bitmap> {
  const w = b[0];
  const h = b[1];
  if (w === undefined || h === undefined || w === 0 || h === 0) return fail('photo', 'missing or zero size');
  if (b.length !== 2 + rowBytes(w) * h) return fail('photo', `expected ${2 + rowBytes(w) * h} bytes for ${w}x${h}, got ${b.length}`);
  const pixels: boolean[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) pixels.push((((b[2 + y * rowBytes(w) + (x >> 3)] as number) << (x & 7)) & 0x80) !== 0);
  }
  return ok({ width: w, height: h, pixels });
}

/**
 * The demo portrait: a head and shoulders silhouette, drawn, not stored, so the demo
 * card's ID photo is realistic in size (80x96: 962 bytes, several memory pages).
 */
export function demoPortrait(width = 80, height = 96): Bitmap {
  const pixels: boolean[] = [];
  const cx = width / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const head = ((x - cx) / (width * 0.22)) ** 2 + ((y - height * 0.36) / (height * 0.24)) ** 2 <= 1;
      const shoulders = y > height * 0.66 && ((x - cx) / (width * 0.48)) ** 2 + ((y - height * 1.05) / (height * 0.4)) ** 2 <= 1;
      const frame = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      pixels.push(head || shoulders || frame);
    }
  }
  return { width, height, pixels };
}
