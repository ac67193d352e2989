import { describe, expect, it } from 'vitest';
import { fromHex, hex } from './bytes.ts';
import {
  decodeHeader,
  decodeSegments,
  decodeWrappedKey,
  encodeHeader,
  encodeSegment,
  encodeWrappedKey,
  headerNonce,
  HEADER_BYTES,
  pageAD,
  pageMapHash,
  pageNonce,
  recordsThatFit,
  WRAPPED_KEY_BYTES,
  wrappedKeyAD,
  type BackupHeader,
} from './backup-format.ts';

const ctx = { issuer: 0x01020304, epoch: 0x0506, cardNumber: '1234567890123456' };
const header: BackupHeader = {
  ...ctx,
  kind: 'diff',
  seq: 7,
  baseSeq: 5,
  date: 0x0102030405,
  prevHash: new Uint8Array(32).fill(0xaa),
  memorySize: 65536,
  pageSize: 256,
  recordCount: 3,
  pageMapHash: new Uint8Array(32).fill(0xbb),
  tag: new Uint8Array(16).fill(0xcc),
};

describe('wrapped key (79 bytes)', () => {
  const w = { ...ctx, nonce: new Uint8Array(12).fill(1), sealed: new Uint8Array(48).fill(2) };
  const bytes = encodeWrappedKey(w);
  it('has the documented layout', () => {
    expect(bytes.length).toBe(WRAPPED_KEY_BYTES);
    expect(hex(bytes.subarray(0, 19))).toBe('4943564B' + '02' + '01020304' + '0506' + '1234567890123456');
    expect(hex(wrappedKeyAD(ctx))).toBe(hex(bytes.subarray(0, 19)));
  });
  it('round-trips', () => expect(decodeWrappedKey(bytes)).toEqual({ ok: true, value: w }));
  it('refuses every truncation and an extension', () => {
    for (let n = 0; n < bytes.length; n++) expect(decodeWrappedKey(bytes.subarray(0, n)).ok).toBe(false);
    expect(decodeWrappedKey(new Uint8Array([...bytes, 0])).ok).toBe(false);
  });
  it('refuses a bad magic, version or card number', () => {
    for (const i of [0, 4, 11]) {
      const b = bytes.slice();
      b[i] = 0xff;
      expect(decodeWrappedKey(b).ok).toBe(false);
    }
  });
});

describe('backup header (126 bytes)', () => {
  const bytes = encodeHeader(header);
  it('has the documented layout', () => {
    expect(bytes.length).toBe(HEADER_BYTES);
    expect(hex(bytes.subarray(0, 36))).toBe('49435642' + '02' + '02' + '01020304' + '0506' + '1234567890123456' + '00000007' + '00000005' + '0000000102030405');
    expect(hex(bytes.subarray(36, 68))).toBe('AA'.repeat(32));
    expect(hex(bytes.subarray(68, 78))).toBe('00010000' + '0100' + '00000003');
    expect(hex(bytes.subarray(78, 110))).toBe('BB'.repeat(32));
    expect(hex(bytes.subarray(110))).toBe('CC'.repeat(16));
  });
  it('round-trips', () => expect(decodeHeader(bytes)).toEqual({ ok: true, value: header }));
  it('refuses every truncation', () => {
    for (let n = 0; n < bytes.length; n++) expect(decodeHeader(bytes.subarray(0, n)).ok).toBe(false);
  });
  it('refuses inconsistent fields', () => {
    const bad = (h: Partial<BackupHeader>) => decodeHeader(encodeHeader({ ...header, ...h })).ok;
    expect(bad({ seq: 0 })).toBe(false);
    expect(bad({ baseSeq: 7 })).toBe(false);
    expect(bad({ baseSeq: 0 })).toBe(false);
    expect(bad({ kind: 'full', baseSeq: 0, recordCount: 255 })).toBe(false);
    expect(bad({ kind: 'full', baseSeq: 0, recordCount: 256 })).toBe(true);
    expect(bad({ recordCount: 257 })).toBe(false);
    expect(bad({ memorySize: 65537 })).toBe(false);
    expect(bad({ pageSize: 0 })).toBe(false);
  });
});

describe('segments and records', () => {
  const seg = { seq: 9, kind: 'full' as const, records: [{ page: 0x0102, sealed: new Uint8Array(64 + 16).fill(5) }, { page: 3, sealed: new Uint8Array(80).fill(6) }] };
  const bytes = encodeSegment(seg);
  it('has the documented layout', () => {
    expect(hex(bytes.subarray(0, 9))).toBe('00000009' + '01' + '0002' + '0102');
    expect(bytes.length).toBe(7 + 2 * (2 + 80));
  });
  it('round-trips, also back to back', () => {
    expect(decodeSegments(bytes, 64)).toEqual({ ok: true, value: [seg] });
    const two = new Uint8Array([...bytes, ...bytes]);
    expect(decodeSegments(two, 64)).toEqual({ ok: true, value: [seg, seg] });
  });
  it('refuses every truncation, empty segments, unknown kinds and a wrong page size', () => {
    for (let n = 0; n < bytes.length; n++) expect(decodeSegments(bytes.subarray(0, n), 64).ok, `length ${n}`).toBe(false);
    expect(decodeSegments(fromHex('00000001010000'), 64).ok).toBe(false);
    const k = bytes.slice();
    k[4] = 3;
    expect(decodeSegments(k, 64).ok).toBe(false);
    expect(decodeSegments(bytes, 128).ok).toBe(false);
  });
  it('counts records that fit', () => {
    expect(recordsThatFit(65536, 256)).toBe(239);
    expect(recordsThatFit(7 + 274, 256)).toBe(1);
    expect(recordsThatFit(7 + 273, 256)).toBe(0);
    expect(recordsThatFit(0, 256)).toBe(0);
  });
});

describe('nonces, associated data, page map hash', () => {
  it('nonces', () => {
    expect(hex(pageNonce(1, 2))).toBe('00000001' + '00000002' + '00000000');
    expect(hex(headerNonce(1))).toBe('00000001' + 'FFFFFFFF' + '00000000');
  });
  it('page AD binds version, kind, issuer, epoch, card, seq, page, page size', () => {
    expect(hex(pageAD(ctx, 7, 'diff', 0x10, 256))).toBe('49435650' + '02' + '02' + '01020304' + '0506' + '1234567890123456' + '00000007' + '00000010' + '0100');
  });
  it('page map hash is SHA-256 of the u32be seqs (vector: empty map = SHA-256 of nothing)', () => {
    expect(hex(pageMapHash([]))).toBe('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855');
    expect(pageMapHash([1, 2])).not.toEqual(pageMapHash([2, 1]));
  });
});
