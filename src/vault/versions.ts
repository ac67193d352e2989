/**
 * Backups of both protocol versions, as the vault holds them (docs/vault-format.md).
 *
 *   version 1: wrapped key (79, common-key sealed) ‖ header (126, version byte 1); unsigned
 *   version 2: wrapped key v2 (99, HPKE to the epoch key) ‖ header (126, version byte 2)
 *              ‖ the card's Ed25519 signature over the header (64)
 *              (src/protocol/trust/backup-data.ts)
 *
 * The header's layout is the same in both; only its version byte differs. The protocol
 * codecs read the version the card of this build speaks, so the vault, which must keep
 * and export backups of either version, reads the version byte itself and decodes the
 * fields under the codec's version. It never decrypts anything, so nothing else differs.
 * A version-1 backup is kept and exported but flagged: a version-2 card cannot restore it.
 */
import { decodeHeader, decodeWrappedKey, FORMAT_VERSION, HEADER_BYTES, WRAPPED_KEY_BYTES, type BackupHeader } from '../protocol/backup-format.ts';
import { fail, type Decoded } from '../protocol/result.ts';
import { decodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES } from '../protocol/trust/index.ts';

export type ProtocolVersion = 1 | 2;

/** Shown wherever a version-1 backup is listed: it stays, but cannot go back into a version-2 card. */
export const V1_NOTE = 'version 1: cannot be restored into a version-2 card';

const VERSION_AT = 4; // 'ICVB' or 'ICVK', then the version byte, in both versions

/** Decode `b` with `decode`, which reads only FORMAT_VERSION, whatever version 1 or 2 its byte says. */
function underCodecVersion<T>(b: Uint8Array, decode: (b: Uint8Array) => Decoded<T>): Decoded<T> {
  const v = b[VERSION_AT];
  // Straight to the codec's version: a refused first try would build an Error (and its stack) per header.
  if ((v !== 1 && v !== 2) || v === FORMAT_VERSION) return decode(b);
  const as = b.slice();
  as[VERSION_AT] = FORMAT_VERSION;
  return decode(as);
}

export interface StoredHeader extends BackupHeader {
  version: ProtocolVersion;
}

/** A backup header of protocol version 1 or 2; never throws. */
export function decodeStoredHeader(b: Uint8Array): Decoded<StoredHeader> {
  const what = 'backup header';
  if (b.length !== HEADER_BYTES) return fail(what, `expected ${HEADER_BYTES} bytes, got ${b.length}`);
  const v = b[VERSION_AT];
  if (v !== 1 && v !== 2) return fail(what, `unsupported format version ${v ?? 'none'} (the vault keeps versions 1 and 2)`, VERSION_AT);
  const d = underCodecVersion(b, decodeHeader);
  return d.ok ? { ok: true, value: { ...d.value, version: v } } : d;
}

export interface StoredKey {
  version: ProtocolVersion;
  issuer: number;
  epoch: number;
  cardNumber: string;
}

/** A wrapped key of either version, told apart by length (79 or 99 bytes); never throws. */
export function decodeStoredKey(b: Uint8Array): Decoded<StoredKey> {
  if (b.length === WRAPPED_KEY_V2_BYTES) {
    const k = decodeWrappedKeyV2(b);
    return k.ok ? { ok: true, value: { version: 2, issuer: k.value.issuer, epoch: k.value.epoch, cardNumber: k.value.cardNumber } } : k;
  }
  if (b.length === WRAPPED_KEY_BYTES) {
    if (b[VERSION_AT] !== 1) return fail('wrapped key', `a ${WRAPPED_KEY_BYTES}-byte wrapped key is version 1, this one says ${b[VERSION_AT] ?? 'none'}`, VERSION_AT);
    const k = underCodecVersion(b, decodeWrappedKey);
    return k.ok ? { ok: true, value: { version: 1, issuer: k.value.issuer, epoch: k.value.epoch, cardNumber: k.value.cardNumber } } : k;
  }
  return fail('wrapped key', `expected ${WRAPPED_KEY_BYTES} bytes (version 1) or ${WRAPPED_KEY_V2_BYTES} (version 2), got ${b.length}`);
}

/** The header and wrapped key must be of one version and name the same card and epoch. */
export function pairProblem(h: StoredHeader, k: StoredKey): string | undefined {
  if (h.version !== k.version) return `the header is of protocol version ${h.version}, the wrapped key of version ${k.version}`;
  if (k.cardNumber !== h.cardNumber || k.issuer !== h.issuer || k.epoch !== h.epoch)
    return `wrapped key is for card ${k.cardNumber} epoch ${k.epoch}, header for card ${h.cardNumber} epoch ${h.epoch}`;
  return undefined;
}

/** The protocol version of a stored header (its version byte); 1 for anything unreadable. */
export const headerVersion = (header: Uint8Array): ProtocolVersion => (header[VERSION_AT] === 2 ? 2 : 1);
