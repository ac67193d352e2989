import { kindFromCode, TAG_BYTES, type BackupKind } from '../../src/protocol/backup-format.ts';
import { readU16be, readU32be } from '../../src/protocol/bytes.ts';
import { fail, ok, type Decoded } from '../../src/protocol/result.ts';

/** One segment of an upload's records as the issuer needs it: which backup it says it
 *  belongs to and which pages it carries (the sealed bytes it cannot open, and keeps as
 *  they came). */
export interface ScannedSegment {
  seq: number;
  kind: BackupKind;
  pages: number[];
}

/**
 * The records' framing exactly as decodeSegments reads it (src/protocol/backup-format.ts,
 * patent fig. 9: per segment u32 seq, u8 kind, u16 count, then count records of u16
 * page and pageSize + 16 sealed bytes), with its refusals and messages, but walked by
 * offset: decodeSegments copies every sealed record into an object of its own, which for
 * a 512-page full backup cost the upload 0.3 ms, more than its signature check
 * (docs/issuer-scale.md). test/issuer/segment-scan.test.ts holds the two to the same
 * answers over random and mutated bytes.
 */
export function scanSegments(b: Uint8Array, pageSize: number): Decoded<ScannedSegment[]> {
  const what = 'backup data segment';
  const out: ScannedSegment[] = [];
  const recordLen = 2 + pageSize + TAG_BYTES;
  let at = 0;
  while (at < b.length) {
    const start = at;
    if (b.length - at < 7) return fail(what, 'truncated segment header', start);
    const seq = readU32be(b, at);
    const kindCode = b[at + 4] as number;
    const count = readU16be(b, at + 5);
    at += 7;
    const kind = kindFromCode(kindCode);
    if (!kind) return fail(what, `unknown backup kind ${kindCode}`, start + 4);
    if (count === 0) return fail(what, 'empty segment', start + 5);
    const pages: number[] = [];
    for (let i = 0; i < count; i++) {
      if (b.length - at < recordLen) return fail(what, `record ${i} of ${count} truncated`, at);
      pages.push(readU16be(b, at));
      at += recordLen;
    }
    out.push({ seq, kind, pages });
  }
  if (out.length === 0) return fail(what, 'no segment');
  return ok(out);
}
