import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSegments, encodeSegment, type BackupKind } from '../../src/protocol/backup-format.ts';
import { concat } from '../../src/protocol/bytes.ts';
import { scanSegments } from '../../issuer/store/segment-scan.ts';

// The upload's check walks the records' framing by offset (issuer/store/segment-scan.ts);
// the protocol's decoder is the definition. Both must accept the same bytes, with the
// same segments and pages, and refuse the same bytes with the same message.

const PAGE = 8;
const SEALED = PAGE + 16;

function agree(b: Uint8Array, pageSize: number) {
  const d = decodeSegments(b, pageSize);
  const s = scanSegments(b, pageSize);
  expect(s.ok).toBe(d.ok);
  if (d.ok && s.ok) {
    expect(s.value).toEqual(d.value.map((g) => ({ seq: g.seq, kind: g.kind, pages: g.records.map((r) => r.page) })));
  } else if (!d.ok && !s.ok) {
    expect(s.error.message).toBe(d.error.message);
  }
}

const segment = fc
  .record({
    seq: fc.nat({ max: 2 ** 32 - 1 }),
    kind: fc.constantFrom<BackupKind>('full', 'diff'),
    pages: fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 6 }),
  })
  .map((g) => encodeSegment({ seq: g.seq, kind: g.kind, records: g.pages.map((page, i) => ({ page, sealed: new Uint8Array(SEALED).fill(i) })) }));

describe('scanSegments agrees with decodeSegments', () => {
  it('on well-formed segments', () => {
    fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segs) => agree(concat(...segs), PAGE)), { seed: 11, numRuns: 300 });
  });

  it('on the same bytes cut, extended, or with one byte changed', () => {
    const mutated = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('cut', 'extend', 'flip'));
    fc.assert(
      fc.property(mutated, ([segs, at, v, how]) => {
        const b = concat(...segs);
        const i = at % b.length;
        const m = how === 'cut' ? b.slice(0, i) : how === 'extend' ? concat(b, new Uint8Array(i % 40).fill(v)) : b.slice();
        if (how === 'flip') m[i] = v;
        agree(m, PAGE);
      }),
      { seed: 12, numRuns: 600 },
    );
  });

  it('on each refusal', () => {
    const good = encodeSegment({ seq: 7, kind: 'diff', records: [{ page: 3, sealed: new Uint8Array(SEALED) }] });
    const cases = {
      'no segment': new Uint8Array(0),
      'truncated segment header': good.slice(0, 6),
      'unknown backup kind': Uint8Array.of(0, 0, 0, 7, 9, 0, 1),
      'empty segment': Uint8Array.of(0, 0, 0, 7, 1, 0, 0),
      'record 0 of 1 truncated': good.slice(0, good.length - 1),
    };
    for (const [why, b] of Object.entries(cases)) {
      const s = scanSegments(b, PAGE);
      expect(s.ok ? 'accepted' : s.error.message).toContain(why);
      agree(b, PAGE);
    }
  });

  it('on random bytes and page sizes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (b, pageSize) => agree(b, pageSize)), { seed: 13, numRuns: 600 });
  });
});
