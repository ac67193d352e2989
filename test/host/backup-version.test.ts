/**
 * The host tells version-1 backup data from version-2 data by its bytes, and refuses v1
 * data for a version-2 card with OLD_PROTOCOL before anything is sent (issue 10).
 */
import { describe, expect, it } from 'vitest';
import { encodeHeader, encodeWrappedKey, HEADER_BYTES, WRAPPED_KEY_BYTES, ZERO_HASH } from '../../src/protocol/backup-format.ts';
import { joinBackupData } from '../../src/protocol/trust/backup-data.ts';
import { encodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES } from '../../src/protocol/trust/wrapped-key.ts';
import { backupDataProtocol, requireVersion2BackupData } from '../../src/host/backup-version.ts';
import { HostError } from '../../src/host/errors.ts';

const CARD = '4000000000000002';
const context = { issuer: 7, epoch: 1, cardNumber: CARD };
const header = encodeHeader({
  ...context,
  kind: 'full',
  seq: 1,
  baseSeq: 0,
  date: 1,
  prevHash: ZERO_HASH,
  memorySize: 4096,
  pageSize: 64,
  recordCount: 0,
  pageMapHash: ZERO_HASH,
  tag: new Uint8Array(16),
});
const records = Uint8Array.of(0, 0, 0, 1, 1, 0, 0);

/** Bytes as a version-1 card made them: wrapped key and header both say version 1. */
const asVersion1 = (b: Uint8Array): Uint8Array => {
  const out = b.slice();
  out[4] = 1;
  return out;
};
const v1 = Uint8Array.from([...asVersion1(encodeWrappedKey({ ...context, nonce: new Uint8Array(12), sealed: new Uint8Array(48) })), ...asVersion1(header), ...records]);

function v2(): Uint8Array {
  expect(header[4]).toBe(2); // this build's header says FORMAT_VERSION 2
  return joinBackupData({ wrappedKey: encodeWrappedKeyV2({ ...context, enc: new Uint8Array(32), sealed: new Uint8Array(48) }), header, signature: new Uint8Array(64), records });
}

function refusal(data: Uint8Array): HostError {
  try {
    requireVersion2BackupData(data, CARD);
  } catch (e) {
    if (e instanceof HostError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('backup data protocol version', () => {
  it('recognises version 1 and version 2 layouts', () => {
    expect(v1.length).toBe(WRAPPED_KEY_BYTES + HEADER_BYTES + records.length);
    expect(backupDataProtocol(v1)).toBe(1);
    expect(v2().length).toBe(WRAPPED_KEY_V2_BYTES + HEADER_BYTES + 64 + records.length);
    expect(backupDataProtocol(v2())).toBe(2);
  });

  it('accepts version-2 data for a version-2 card', () => {
    expect(() => requireVersion2BackupData(v2(), CARD)).not.toThrow();
  });

  it('refuses version-1 data with OLD_PROTOCOL naming the version and what to do', () => {
    const e = refusal(v1);
    expect(e.code).toBe('OLD_PROTOCOL');
    expect(e.message).toContain('made by protocol version 1: cannot be restored into a version-2 card; export it to keep it');
    expect(e.message).toContain(CARD);
  });

  it('refuses damaged, truncated and mixed data as BAD_BACKUP', () => {
    const mixed = v2();
    mixed[WRAPPED_KEY_V2_BYTES + 4] = 1; // v2 wrapped key in front of a v1 header
    const badMagic = v1.slice();
    badMagic[0] = 0;
    for (const data of [mixed, badMagic, v1.slice(0, WRAPPED_KEY_BYTES + HEADER_BYTES - 1), new Uint8Array(0)]) {
      expect(backupDataProtocol(data)).toBeUndefined();
      expect(refusal(data).code).toBe('BAD_BACKUP');
    }
  });
});
