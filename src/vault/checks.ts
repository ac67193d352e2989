/**
 * Structural checks of one stored point, pure: used by verify (on the database) and by
 * import (on a file, before anything is written), so both find the same things.
 */
import { headerHash, type BackupHeader } from '../protocol/backup-format.ts';
import { decodeStoredHeader, type StoredHeader } from './versions.ts';
import { shortHash, toHex } from './hash.ts';
import { manifestMapHash, manifestShapeProblem } from './manifest.ts';
import type { BackupRow, ManifestRow } from './schema.ts';

export type FindingCode =
  | 'HEADER_UNDECODABLE'
  | 'HEADER_HASH' // the stored header no longer hashes to the hash it was stored under
  | 'HEADER_MISMATCH' // the row's indexed fields disagree with its header
  | 'HEADER_SIGNATURE' // the header's card signature does not verify under the card's certificate
  | 'MANIFEST_MISSING'
  | 'MANIFEST_SHAPE'
  | 'PAGE_MAP' // the manifest's page map does not hash to the header's pageMapHash
  | 'PACK_MISSING' // the stored pages of a backup some point uses are gone
  | 'PACK_HASH' // a pack no longer hashes to the hash it was stored under
  | 'PACK_SHAPE' // a pack does not hold the pages the manifests point at it for
  | 'CHAIN_BROKEN'
  | 'CHAIN_GAP'
  | 'CARD_HEAD';

export interface Finding {
  card: string;
  seq?: number;
  page?: number;
  blob?: string;
  code: FindingCode;
  /** damage: data is wrong or lost. gap: the chain has a hole, nothing held is wrong. */
  severity: 'damage' | 'gap';
  message: string;
}

export const findingText = (f: Finding): string =>
  `card ${f.card}${f.seq === undefined ? '' : ` seq ${f.seq}`}${f.page === undefined ? '' : ` page ${f.page}`}: ${f.message}`;

/** Decode a stored header and check it against the hash it was stored under (`actual`: its SHA-256 hex, if already made). */
export function checkHeader(card: string, seq: number, header: Uint8Array, storedHash: string, actual = toHex(headerHash(header))): { fields?: StoredHeader; findings: Finding[] } {
  const at = { card, seq, severity: 'damage' as const };
  const findings: Finding[] = [];
  if (actual !== storedHash)
    findings.push({ ...at, code: 'HEADER_HASH', message: `header hashes to ${shortHash(actual)}, stored as ${shortHash(storedHash)}: the header was altered` });
  const d = decodeStoredHeader(header);
  if (!d.ok) return { findings: [...findings, { ...at, code: 'HEADER_UNDECODABLE', message: d.error.message }] };
  if (d.value.cardNumber !== card || d.value.seq !== seq)
    findings.push({ ...at, code: 'HEADER_MISMATCH', message: `header is for card ${d.value.cardNumber} seq ${d.value.seq}` });
  return { fields: d.value, findings };
}

/** The row's indexed copy of the header fields (fig. 5) must agree with the header. */
export function checkRow(row: BackupRow, f: BackupHeader): Finding[] {
  const wrong: string[] = (['kind', 'baseSeq', 'date', 'epoch'] as const).filter((k) => row[k] !== f[k]);
  if (toHex(f.prevHash) !== row.prevHash) wrong.push('prevHash');
  if (wrong.length === 0) return [];
  return [{ card: row.cardNumber, seq: row.seq, code: 'HEADER_MISMATCH', severity: 'damage', message: `stored ${wrong.join(', ')} disagree with the header` }];
}

/** `mapHash`: the manifest's page-map hash, if already made (verify hashes them all at once with WebCrypto). */
export function checkManifest(card: string, seq: number, f: BackupHeader, m: ManifestRow | undefined, mapHash?: string): Finding[] {
  const at = { card, seq, severity: 'damage' as const };
  if (!m) return [{ ...at, code: 'MANIFEST_MISSING', message: 'manifest is missing: this point cannot be restored' }];
  const shape = manifestShapeProblem(m, f.memorySize / f.pageSize);
  if (shape) return [{ ...at, code: 'MANIFEST_SHAPE', message: shape }];
  const map = mapHash ?? manifestMapHash(m);
  if (map !== toHex(f.pageMapHash)) return [{ ...at, code: 'PAGE_MAP', message: `manifest's page map hashes to ${shortHash(map)}, the header says ${shortHash(toHex(f.pageMapHash))}` }];
  return [];
}
