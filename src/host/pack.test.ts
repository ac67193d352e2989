import { describe, expect, it } from 'vitest';
import { decodeSegments, recordBytes, SEGMENT_HEADER_BYTES, type Segment } from '../protocol/backup-format.ts';
import { packSegments } from './pack.ts';

const PAGE = 64;
const seg = (seq: number, pages: number[]): Segment => ({
  seq,
  kind: seq === 1 ? 'full' : 'diff',
  records: pages.map((page) => ({ page, sealed: new Uint8Array(PAGE + 16).fill(page) })),
});

describe('packSegments', () => {
  const segments = [seg(1, [0, 1, 2, 3, 4]), seg(4, [5]), seg(9, [6, 7, 8])];
  const rec = recordBytes(PAGE);

  it('keeps every record once, in order, and each command within room', () => {
    for (const room of [SEGMENT_HEADER_BYTES + rec, 2 * rec + 10, 300, 1000, 65535]) {
      const packed = packSegments(segments, PAGE, room);
      const back = packed.flatMap((p) => {
        expect(p.data.length).toBeLessThanOrEqual(room);
        const d = decodeSegments(p.data, PAGE);
        if (!d.ok) throw d.error;
        expect(p.pages).toBe(d.value.reduce((n, s) => n + s.records.length, 0));
        return d.value.flatMap((s) => s.records.map((r) => `${s.seq}:${s.kind}:${r.page}:${r.sealed[0]}`));
      });
      expect(back).toEqual(segments.flatMap((s) => s.records.map((r) => `${s.seq}:${s.kind}:${r.page}:${r.page}`)));
    }
  });

  it('uses as few commands as the room allows', () => {
    expect(packSegments(segments, PAGE, 65535)).toHaveLength(1);
    // Room for one header and two records: a record of another seq needs its own header,
    // so {0,1} {2,3} {4} {5} {6,7} {8}.
    expect(packSegments(segments, PAGE, 2 * rec + SEGMENT_HEADER_BYTES).map((p) => p.pages)).toEqual([2, 2, 1, 1, 2, 1]);
  });

  it('refuses a room too small for one record', () => {
    expect(() => packSegments(segments, PAGE, rec)).toThrow(RangeError);
  });
});
