/**
 * Renders the favicon's design (public/favicon.svg: a blue card, a gold chip, a light
 * stripe) as the 256 px PNG an Isolated Web App needs (Chromium refuses to install an
 * IWA without an icon of at least 144 px). Shapes are the SVG's, scaled 8x, with 4x4
 * supersampling for smooth corners.
 *
 *   npx tsx tools/iwa/make-icon.ts   (writes public/icon-256.png)
 */
import { writeFileSync } from 'node:fs';
import { encodePng } from './png.ts';

type Rgb = readonly [number, number, number];
interface Shape {
  inside(x: number, y: number): boolean;
  colour: Rgb;
}

/** Rounded rectangle in the SVG's 32-unit space. */
const rounded = (x0: number, y0: number, w: number, h: number, r: number, colour: Rgb): Shape => ({
  colour,
  inside(x, y) {
    if (x < x0 || y < y0 || x > x0 + w || y > y0 + h) return false;
    const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
    const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  },
});

const hex = (s: string): Rgb => [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16)];
// Painted in order, as in the SVG. The stripe is the path "M19 21h7" with a 2-wide round cap.
const shapes: Shape[] = [
  rounded(2, 7, 28, 19, 3.5, hex('#1f5f8b')),
  rounded(6.5, 12, 8, 6.5, 1.5, hex('#f2c94c')),
  rounded(18, 20, 9, 2, 1, hex('#cfe0ee')),
];

export function renderIcon(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const x = ((px + (sx + 0.5) / S) * 32) / size;
          const y = ((py + (sy + 0.5) / S) * 32) / size;
          let top: Shape | undefined;
          for (const s of shapes) if (s.inside(x, y)) top = s;
          if (top) {
            r += top.colour[0];
            g += top.colour[1];
            b += top.colour[2];
            a += 255;
          }
        }
      const n = S * S;
      const covered = a / 255;
      const o = (py * size + px) * 4;
      rgba[o] = covered ? Math.round(r / covered) : 0;
      rgba[o + 1] = covered ? Math.round(g / covered) : 0;
      rgba[o + 2] = covered ? Math.round(b / covered) : 0;
      rgba[o + 3] = Math.round(a / n);
    }
  return encodePng(size, size, rgba);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL('../../public/icon-256.png', import.meta.url);
  writeFileSync(out, renderIcon(256));
  console.log(`wrote ${out.pathname}`);
}
