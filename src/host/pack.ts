/**
 * Pack a restore's segments into as few RESTORE DATA TRANSFER data fields as fit in
 * `room` bytes each. A segment that does not fit is split: its records continue in the
 * next command under a repeated 7-byte segment header, so the wire carries nothing
 * but records and the headers the format needs.
 */
import { encodeSegment, recordBytes, SEGMENT_HEADER_BYTES, type Segment } from '../protocol/backup-format.ts';
import { concat } from '../protocol/bytes.ts';

export interface Packed {
  data: Uint8Array;
  pages: number;
}

export function packSegments(segments: readonly Segment[], pageSize: number, room: number): Packed[] {
  const rec = recordBytes(pageSize);
  if (room < SEGMENT_HEADER_BYTES + rec) throw new RangeError(`a command of ${room} bytes cannot carry one ${pageSize}-byte page`);
  const out: Packed[] = [];
  let parts: Segment[] = [];
  let used = 0;
  let pages = 0;
  const flush = () => {
    if (parts.length > 0) out.push({ data: concat(...parts.map(encodeSegment)), pages });
    parts = [];
    used = 0;
    pages = 0;
  };
  for (const s of segments) {
    let i = 0;
    while (i < s.records.length) {
      if (used + SEGMENT_HEADER_BYTES + rec > room) flush();
      const fit = Math.min(s.records.length - i, Math.floor((room - used - SEGMENT_HEADER_BYTES) / rec));
      parts.push({ seq: s.seq, kind: s.kind, records: s.records.slice(i, i + fit) });
      used += SEGMENT_HEADER_BYTES + fit * rec;
      pages += fit;
      i += fit;
    }
  }
  flush();
  return out;
}
