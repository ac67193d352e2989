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
}): MadeBackup {
  const kind = opts.kind ?? 'full';
  const pages = opts.pages ?? (kind === 'full' ? Array.from({ length: PAGES }, (_, i) => i) : [1, 3]);
  const records = pages.map((page) => ({ page, sealed: randomBytes(PAGE + 16) }));
  const header = encodeHeader({
    issuer: opts.issuer,
    epoch: 1,
    cardNumber: opts.cardNumber,
    kind,
    seq: opts.seq,
    baseSeq: kind === 'full' ? 0 : (opts.baseSeq ?? opts.seq - 1),
    date: 1_700_000_000_000 + opts.seq,
    prevHash: opts.prev ?? ZERO_HASH,
    memorySize: PAGE * PAGES,
    pageSize: PAGE,
    recordCount: pages.length,
    pageMapHash: randomBytes(32),
    tag: randomBytes(16),
  });
  return { header, records: concat(encodeSegment({ seq: opts.seq, kind, records })), hash: headerHash(header), seq: opts.seq };
}
