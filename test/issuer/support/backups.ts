import { randomBytes } from '@noble/hashes/utils.js';
import { encodeHeader, encodeSegment, headerHash, ZERO_HASH, type BackupKind } from '../../../src/protocol/backup-format.ts';
import { concat } from '../../../src/protocol/bytes.ts';

export const PAGE = 64;
export const PAGES = 16;

export interface MadeBackup {
  header: Uint8Array;
  records: Uint8Array;
  hash: Uint8Array;
  seq: number;
}

/** A well-formed backup header and records (sealed bytes random: the issuer cannot open
 *  them and does not try; it checks structure, signature and chain). */
export function makeBackup(opts: {
  issuer: number;
  cardNumber: string;
  seq: number;
  prev?: Uint8Array;
  kind?: BackupKind;
  baseSeq?: number;
  pages?: number[];
  /** Memory geometry (default 16 pages of 64 bytes). */
  pageSize?: number;
  pageCount?: number;
}): MadeBackup {
  const kind = opts.kind ?? 'full';
  const pageSize = opts.pageSize ?? PAGE;
  const pageCount = opts.pageCount ?? PAGES;
  const pages = opts.pages ?? (kind === 'full' ? Array.from({ length: pageCount }, (_, i) => i) : [1, 3]);
  const records = pages.map((page) => ({ page, sealed: randomBytes(pageSize + 16) }));
  const header = encodeHeader({
    issuer: opts.issuer,
    epoch: 1,
    cardNumber: opts.cardNumber,
    kind,
    seq: opts.seq,
    baseSeq: kind === 'full' ? 0 : (opts.baseSeq ?? opts.seq - 1),
    date: 1_700_000_000_000 + opts.seq,
    prevHash: opts.prev ?? ZERO_HASH,
    memorySize: pageSize * pageCount,
    pageSize,
    recordCount: pages.length,
    pageMapHash: randomBytes(32),
    tag: randomBytes(16),
  });
  // One segment holds at most 65535 records (u16 count).
  const segs: Uint8Array[] = [];
  for (let i = 0; i < records.length; i += 0xffff) segs.push(encodeSegment({ seq: opts.seq, kind, records: records.slice(i, i + 0xffff) }));
  return { header, records: concat(...segs), hash: headerHash(header), seq: opts.seq };
}
