import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeResponse } from '../apdu.ts';
import { fromHex, hex } from '../bytes.ts';
import { encodeSegment, HEADER_BYTES } from '../backup-format.ts';
import { AUTHORISATION_V2_BYTES } from '../trust/authorisation.ts';
import { WRAPPED_KEY_V2_BYTES } from '../trust/wrapped-key.ts';
import {
  backup,
  backupAbort,
  backupComplete,
  backupTransfer,
  CardError,
  changePin,
  errorForSw,
  getBackupStatus,
  getIdentity,
  getResponse,
  initialise,
  epochUpdate,
  getAuthorisationCounter,
  getCardCertificate,
  pinState,
  restore,
  restoreAbort,
  restoreComplete,
  restoreTransfer,
  select,
  verifyPin,
  decodeChangedPages,
  encodeChangedPages,
  getChangedPages,
} from './index.ts';

const enc = (c: Parameters<typeof encodeCommand>[0]) => hex(encodeCommand(c));
const resp = (data: string, sw: number) => encodeResponse({ data: fromHex(data), sw });
const thrown = (f: () => unknown): CardError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CardError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

describe('command APDUs, byte for byte', () => {
  it('SELECT', () => {
    expect(enc(select.getApdu(fromHex('A0000009990201')))).toBe('00A4040007A000000999020100');
    expect(hex(select.parseResponse(resp('6F098407A0000009990201', 0x9000)).aid)).toBe('A0000009990201');
    expect(thrown(() => select.parseResponse(resp('', 0x6a82))).code).toBe('APPLICATION_NOT_FOUND');
    expect(() => select.getApdu(fromHex('A000'))).toThrow(RangeError);
  });
  it('VERIFY, VERIFY state, CHANGE REFERENCE DATA', () => {
    expect(enc(verifyPin.getApdu('1234'))).toBe('002000810431323334');
    expect(enc(pinState.getApdu())).toBe('00200081');
    expect(enc(changePin.getApdu('1234', '987654'))).toBe('00240081' + '0A' + '31323334' + '393837363534');
    expect(() => verifyPin.getApdu('12a4')).toThrow(TypeError);
    expect(() => verifyPin.getApdu('123')).toThrow(TypeError);
    const e = thrown(() => verifyPin.parseResponse(resp('', 0x63c2)));
    expect([e.code, e.triesLeft, e.sw]).toEqual(['WRONG_PIN', 2, 0x63c2]);
    expect(thrown(() => verifyPin.parseResponse(resp('', 0x6983))).code).toBe('PIN_BLOCKED');
    expect(pinState.parseResponse(resp('', 0x63c1))).toEqual({ verified: false, triesLeft: 1, blocked: false });
    expect(pinState.parseResponse(resp('', 0x6983))).toEqual({ verified: false, triesLeft: 0, blocked: true });
    expect(pinState.parseResponse(resp('', 0x9000)).verified).toBe(true);
  });
  it('GET RESPONSE and GET DATA', () => {
    expect(enc(getResponse.getApdu(256))).toBe('00C0000000');
    expect(enc(getResponse.getApdu(16))).toBe('00C0000010');
    expect(() => getResponse.getApdu(257)).toThrow(RangeError);
    expect(enc(getIdentity.getApdu())).toBe('80CA010100');
    expect(enc(getBackupStatus.getApdu(1000))).toBe('80CA01040003E8');
    expect(getIdentity.parseResponse(resp('01' + '4900000000000001' + '00000007' + '0003', 0x9000))).toEqual({
      initialised: true,
      cardNumber: '4900000000000001',
      issuer: 7,
      epoch: 3,
    });
    expect(thrown(() => getIdentity.parseResponse(resp('01', 0x9000))).code).toBe('BAD_RESPONSE');
  });
  it('INITIALISE carries the personalisation as it is (extended length when over 255 bytes)', () => {
    const p = new Uint8Array(430).fill(0x5a);
    expect(enc(initialise.getApdu(p))).toBe('80100000' + '0001AE' + '5A'.repeat(430));
    expect(enc(initialise.getApdu(new Uint8Array(3).fill(1)))).toBe('8010000003010101');
  });
  it('EPOCH UPDATE: epoch certificate (141) ‖ card certificate (147)', () => {
    expect(enc(epochUpdate.getApdu(new Uint8Array(141).fill(1), new Uint8Array(147).fill(2)))).toBe('80D4000000' + '0120' + '01'.repeat(141) + '02'.repeat(147));
    expect(() => epochUpdate.getApdu(new Uint8Array(140), new Uint8Array(147))).toThrow(RangeError);
  });
  it('GET DATA of version 2: certificate 0109, authorisation counter 010B', () => {
    expect(enc(getCardCertificate.getApdu())).toBe('80CA010900');
    expect(getAuthorisationCounter.parseResponse(resp('00000007', 0x9000))).toBe(7);
    expect(thrown(() => getCardCertificate.parseResponse(resp('00', 0x9000))).code).toBe('BAD_RESPONSE');
    expect(thrown(() => getAuthorisationCounter.parseResponse(resp('', 0x6985))).code).toBe('CONDITIONS_NOT_SATISFIED');
  });
  it('BACKUP family', () => {
    // The answer is 289 bytes (version 2): extended Le 0121 by default, 00 (256) on a short link.
    expect(enc(backup.getApdu('full', 0x0102030405))).toBe('80B0010000000800000001020304' + '05' + '0121');
    expect(enc(backup.getApdu('diff', 0, 256))).toBe('80B00200080000000000000000' + '00');
    expect(enc(backupTransfer.getApdu(65536))).toBe('80B20000000000');
    expect(enc(backupTransfer.getApdu(256))).toBe('80B2000000');
    expect(enc(backupComplete.getApdu(new Uint8Array(32).fill(1)))).toBe('80B4000020' + '01'.repeat(32));
    expect(enc(backupAbort.getApdu())).toBe('80B60000');
    expect(() => backupComplete.getApdu(new Uint8Array(31))).toThrow(RangeError);
    expect(thrown(() => backup.parseResponse(resp('00', 0x9000))).code).toBe('BAD_RESPONSE');
    expect(thrown(() => backup.parseResponse(resp('', 0x6982))).code).toBe('SECURITY_NOT_SATISFIED');
  });
  it('BACKUP DATA TRANSFER answers: 6310 more, 9000 done, empty diff', () => {
    const seg = encodeSegment({ seq: 5, kind: 'diff', records: [{ page: 3, sealed: new Uint8Array(64 + 16).fill(7) }] });
    const more = backupTransfer.parseResponse(encodeResponse({ data: seg, sw: 0x6310 }), 64);
    expect(more.done).toBe(false);
    expect(more.segments[0]?.records[0]?.page).toBe(3);
    expect(backupTransfer.parseResponse(encodeResponse({ data: seg, sw: 0x9000 }), 64).done).toBe(true);
    expect(backupTransfer.parseResponse(resp('', 0x9000), 64)).toEqual({ bytes: new Uint8Array(0), segments: [], done: true });
    expect(thrown(() => backupTransfer.parseResponse(encodeResponse({ data: seg.subarray(1), sw: 0x9000 }), 64)).code).toBe('BAD_RESPONSE');
  });
  it('RESTORE family', () => {
    const wk = new Uint8Array(WRAPPED_KEY_V2_BYTES).fill(1);
    const hd = new Uint8Array(HEADER_BYTES).fill(2);
    const sig = new Uint8Array(64).fill(3);
    const same = encodeCommand(restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: wk, header: hd, headerSignature: sig }));
    // 289 bytes: extended Lc 00 0121, then wrapped key ‖ header ‖ signature
    expect(hex(same.subarray(0, 7))).toBe('80C00000000121');
    expect(hex(same.subarray(7))).toBe('01'.repeat(99) + '02'.repeat(126) + '03'.repeat(64));
    const other = restore.getApdu({ target: 'other', mode: 'replay', wrappedKey: wk, header: hd, headerSignature: sig, authorisation: new Uint8Array(AUTHORISATION_V2_BYTES) });
    expect([other.p1, other.p2, other.data.length]).toEqual([1, 1, 528]);
    expect(restore.getApdu({ target: 'same', mode: 'verify', wrappedKey: wk, header: hd, headerSignature: sig }).p2).toBe(2);
    expect(() => restore.getApdu({ target: 'same', mode: 'verify', wrappedKey: wk, header: hd, headerSignature: sig, authorisation: new Uint8Array(AUTHORISATION_V2_BYTES) })).toThrow(RangeError);
    expect(() => restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: new Uint8Array(79), header: hd, headerSignature: sig })).toThrow(/protocol version 2/);
    const seg = { seq: 1, kind: 'full' as const, records: [{ page: 0, sealed: new Uint8Array(80) }] };
    expect(hex(restoreTransfer.getApdu([seg]).data)).toBe(hex(encodeSegment(seg)));
    expect(enc(restoreComplete.getApdu(1))).toBe('80C40000080000000000000001');
    expect(enc(restoreAbort.getApdu())).toBe('80C60000');
    expect(thrown(() => restoreComplete.parseResponse(resp('', 0x6988))).code).toBe('BACKUP_DATA_REJECTED');
  });
});

describe('status words to domain errors (one table)', () => {
  it.each([
    [0x6700, 'WRONG_LENGTH'],
    [0x6982, 'SECURITY_NOT_SATISFIED'],
    [0x6983, 'PIN_BLOCKED'],
    [0x6984, 'KEY_NOT_USABLE'],
    [0x6985, 'CONDITIONS_NOT_SATISFIED'],
    [0x6988, 'BACKUP_DATA_REJECTED'],
    [0x6a80, 'WRONG_DATA'],
    [0x6a82, 'APPLICATION_NOT_FOUND'],
    [0x6a84, 'NOT_ENOUGH_MEMORY'],
    [0x6a86, 'WRONG_P1P2'],
    [0x6a88, 'REFERENCE_NOT_FOUND'],
    [0x6d00, 'INS_NOT_SUPPORTED'],
    [0x6e00, 'CLA_NOT_SUPPORTED'],
    [0x6581, 'MEMORY_FAILURE'],
    [0x6883, 'CHAINING_ERROR'],
    [0x63c0, 'WRONG_PIN'],
    [0x6110, 'TRANSPORT_STATUS'],
    [0x6c10, 'TRANSPORT_STATUS'],
    [0x6f00, 'UNKNOWN_STATUS'],
  ])('%s -> %s', (sw, code) => {
    const e = errorForSw(sw);
    expect(e).toBeInstanceOf(CardError);
    expect(e?.code).toBe(code);
    expect(e?.sw).toBe(sw);
  });
  it('success words are not errors', () => {
    expect(errorForSw(0x9000)).toBeUndefined();
    expect(errorForSw(0x6310)).toBeUndefined();
  });
  it('a response shorter than SW1 SW2 is BAD_RESPONSE', () => expect(thrown(() => backupAbort.parseResponse(new Uint8Array(1))).code).toBe('BAD_RESPONSE'));
});

describe('GET DATA changed pages (fig. 4)', () => {
  it('encodes the table bit per page and decodes it back', () => {
    const b = encodeChangedPages([0, 9, 255], 256);
    expect(b.length).toBe(2 + 32);
    expect(hex(b.subarray(0, 4))).toBe('01000102');
    expect(b[2 + 31]).toBe(0x80);
    const d = decodeChangedPages(b);
    expect(d.ok && d.value).toEqual([0, 9, 255]);
    expect(getChangedPages.getApdu().p2).toBe(0x07);
  });
  it('refuses a wrong length and bits beyond the page count', () => {
    expect(decodeChangedPages(Uint8Array.of(0x00)).ok).toBe(false);
    expect(decodeChangedPages(Uint8Array.of(0x00, 0x0a, 0x00)).ok).toBe(false);
    expect(decodeChangedPages(Uint8Array.of(0x00, 0x0a, 0x00, 0x04)).ok).toBe(false);
    expect(decodeChangedPages(Uint8Array.of(0x00, 0x0a, 0x00, 0x02)).ok).toBe(true);
  });
});
