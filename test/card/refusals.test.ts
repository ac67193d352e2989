import { beforeAll, describe, expect, it } from 'vitest';
import type { SimCard } from '../../src/card-sim/index.ts';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { createTestCard, testIssuer, type TestCardOptions } from '../support/card.ts';
import { authorisationMessage, encodeAuthorisationV2, sealRestoreKey } from '../../src/protocol/trust/authorisation.ts';
import { decodeCardCertificate } from '../../src/protocol/trust/certificates.ts';
import { sign } from '../../src/protocol/trust/codec.ts';
import { concat, equal, fromHex } from '../../src/protocol/bytes.ts';
import { encodeSegment, headerHash as runHash } from '../../src/protocol/backup-format.ts';
import {
  backup,
  backupAbort,
  backupComplete,
  backupTransfer,
  changePin,
  getCardKeys,
  restore,
  restoreComplete,
  restoreTransfer,
  select,
  verifyPin,
} from '../../src/protocol/commands/index.ts';
import { authorise, pointRecords, raw, pokeCommand, recordsOf, runBackup, runRestore, send, verify, type Rec, type StoredBackup } from './helpers.ts';
import { pokeApp } from './poke-app.ts';

const AID = fromHex('A0000009990299');
const opts = { memorySize: 8192, pageSize: 256, apps: [pokeApp('A0000009990299', 4096)] };

function card(cardNumber: string, extra: TestCardOptions = {}): SimCard {
  const c = createTestCard({ ...opts, cardNumber, seed: cardNumber, ...extra });
  c.powerOn();
  verify(c);
  return c;
}
function poke(c: SimCard, offset: number, b: Uint8Array): number {
  send(c, select.getApdu(AID));
  return send(c, pokeCommand(offset, b)).sw;
}

/** `fn` must answer `sw` and leave the card's whole EEPROM as it was. */
function refusedUnchanged(c: SimCard, sw: number, fn: () => number): void {
  const before = c.save();
  expect(fn().toString(16)).toBe(sw.toString(16));
  expect(equal(c.save(), before), 'card changed').toBe(true);
}

let a: SimCard;
let full: StoredBackup;
let diff: StoredBackup;
let b: SimCard;
let bFull: StoredBackup;
const flip = (bytes: Uint8Array, bit: number) => {
  const f = bytes.slice();
  f[bit >> 3] = (f[bit >> 3] as number) ^ (1 << (bit & 7));
  return f;
};

beforeAll(() => {
  a = card('4900000000000001');
  poke(a, 0, new Uint8Array(600).fill(3));
  full = runBackup(a, 'full');
  poke(a, 300, new Uint8Array(10).fill(4));
  diff = runBackup(a, 'diff');
  poke(a, 1000, new Uint8Array(10).fill(5)); // memory now differs from every point
  b = card('4900000000000002');
  bFull = runBackup(b, 'full');
});

describe('restore refusals leave the memory unchanged', () => {
  it("another card's backup as this card's own: 6A88", () => refusedUnchanged(b, 0x6a88, () => runRestore(b, diff, [full, diff])));
  it('another card without an authorisation: 6982; A restored into B with an authorisation for C: 6A88; for another point: 6982; forged: 6982; counter skipped: 6984', () => {
    refusedUnchanged(b, 0x6982, () => runRestore(b, diff, [full, diff], { target: 'other' }));
    refusedUnchanged(b, 0x6a88, () => runRestore(b, diff, [full, diff], { target: 'other', authorisation: authorise(diff, '4900000000000009') }));
    refusedUnchanged(b, 0x6982, () => runRestore(b, diff, [full, diff], { target: 'other', authorisation: authorise(full, b) }));
    const forged = authorise(diff, b).slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1; // the epoch key's signature
    refusedUnchanged(b, 0x6982, () => runRestore(b, diff, [full, diff], { target: 'other', authorisation: forged }));
    refusedUnchanged(b, 0x6984, () => runRestore(b, diff, [full, diff], { target: 'other', authorisation: authorise(diff, b, { counter: 2 }) }));
    // A self-made authorisation: right fields, the source key really sealed to B, signed by an epoch key of another root.
    const impostor = generateIssuerKeys({ issuer: testIssuer().issuer, seed: new Uint8Array(32).fill(9) }).epochs[0];
    if (!impostor) throw new Error('no impostor epoch');
    const source = decodeCardCertificate(diff.cardCertificate);
    if (!source.ok) throw source.error;
    const binding = { issuer: testIssuer().issuer, epoch: 1, sourceCardNumber: '4900000000000001', targetCardNumber: '4900000000000002', chainHead: diff.hash, targetCounter: 1, sourceSigningPublicKey: source.value.signingPublicKey };
    const sealed = sealRestoreKey(getCardKeys.parseResponse(raw(send(b, getCardKeys.getApdu()))).kemPublicKey, binding, testIssuer().openWrappedKey(diff.wrappedKeyBytes).uniqueKey);
    const selfMade = encodeAuthorisationV2({ ...binding, ...sealed, signature: sign(impostor.signingSecretKey, authorisationMessage({ ...binding, ...sealed })) });
    refusedUnchanged(b, 0x6982, () => runRestore(b, diff, [full, diff], { target: 'other', authorisation: selfMade }));
  });
  it("a card of another issuer: 6984 (retired epochs: test/card/epoch.test.ts)", () => {
    const other = new IssuerAuthority(generateIssuerKeys({ issuer: 77, seed: new Uint8Array(32).fill(7) }));
    const otherIssuer = card('4900000000000003', { issuer: other });
    refusedUnchanged(otherIssuer, 0x6984, () => runRestore(otherIssuer, diff, [full, diff], { target: 'other', authorisation: authorise(diff, '4900000000000003') }));
  });
  // The wrapped key's HPKE body (enc, sealed: bytes 19..98) is the issuer's copy of the key:
  // no card can open it, but the card's signature covers it with the header, so a flip of
  // any of its bits is refused (6988) like a flip of the header or of the signature.
  it('every single-bit flip of the wrapped key, the header and the signature is refused', () => {
    const before = a.save();
    const signed = concat(diff.wrappedKeyBytes, diff.headerBytes, diff.headerSignature);
    for (let i = 0; i < signed.length * 8; i++) {
      const f = flip(signed, i);
      const sw = send(a, restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: f.subarray(0, 99), header: f.subarray(99, 225), headerSignature: f.subarray(225) })).sw;
      expect(sw, `bit ${i}`).not.toBe(0x9000);
    }
    expect(equal(a.save(), before), 'card changed').toBe(true);
  });
  it("another backup's well-formed wrapped key under this header: 6988, on the same card and on another (its authorisation kept unused)", () => {
    const swapped = { ...diff, wrappedKeyBytes: full.wrappedKeyBytes };
    refusedUnchanged(a, 0x6988, () => runRestore(a, swapped, [full, diff]));
    refusedUnchanged(b, 0x6988, () => runRestore(b, swapped, [full, diff], { target: 'other', authorisation: authorise(diff, b) }));
  });
  it('every single-bit flip of the segment framing and of a record is refused', () => {
    const recs = pointRecords([full, diff]);
    const [first, ...rest] = recs;
    const seg = encodeSegment({ seq: (first as Rec).seq, kind: (first as Rec).kind, records: [first as Rec] });
    const others = rest.map((r) => encodeSegment({ seq: r.seq, kind: r.kind, records: [r] }));
    const before = a.save();
    // seq (4), kind (1), count (2), page (2) and a spread of sealed bytes
    const positions = [...Array.from({ length: 9 * 8 }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => 9 * 8 + i * 53)];
    for (const bit of positions) {
      const sw = runRestore(a, diff, [], { transfers: [flip(seg, bit), ...others] });
      expect(sw, `bit ${bit}`).not.toBe(0x9000);
    }
    expect(equal(a.save(), before), 'card changed').toBe(true);
  });
  it('truncated, reordered, duplicated and spliced records: 6988 (or 6A80 for broken framing)', () => {
    const recs = pointRecords([full, diff]);
    const swapPages = recs.map((r, i) => (i === 1 ? { ...r, page: 2 } : i === 2 ? { ...r, page: 1 } : r));
    const bRecs = recordsOf(bFull);
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: recs.slice(0, -1) }));
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: swapPages }));
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: [...recs, recs[3] as Rec] }));
    // spliced across backups of one card: page 1 of the full in place of the diff's copy
    const diffPage = recordsOf(diff)[0] as Rec;
    const old = recordsOf(full).find((r) => r.page === diffPage.page) as Rec;
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: recs.map((r) => (r.page === diffPage.page ? old : r)) }));
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: recs.map((r) => (r.page === diffPage.page ? { ...old, seq: 2, kind: 'diff' as const } : r)) }));
    // spliced across cards: card B's page 5 in card A's restore
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [], { records: recs.map((r) => (r.page === 5 ? (bRecs[5] as Rec) : r)) }));
    // truncated framing
    const t = restoreTransfer.getApdu(recs.slice(0, 2).map((r) => ({ seq: r.seq, kind: r.kind, records: [r] }))).data;
    refusedUnchanged(a, 0x6a80, () => runRestore(a, diff, [], { transfers: [t.subarray(0, t.length - 1)] }));
    // a record from a backup newer than the point
    refusedUnchanged(a, 0x6988, () => runRestore(a, full, [], { records: recordsOf(full).map((r) => (r.page === diffPage.page ? diffPage : r)) }));
  });
  it('an older chain replayed: a diff step on another base (6985), verify mode writes nothing', () => {
    expect(runRestore(a, full, [full], { mode: 'replay' })).toBe(0x9000);
    poke(a, 2000, new Uint8Array(4).fill(9));
    refusedUnchanged(a, 0x6985, () => runRestore(a, diff, [], { mode: 'replay' })); // memory changed since the step
    expect(runRestore(a, bFull, [bFull], { target: 'other', mode: 'replay', authorisation: authorise(bFull, a) })).toBe(0x9000);
    refusedUnchanged(a, 0x6985, () => runRestore(a, diff, [], { mode: 'replay' })); // base is B's point now
    refusedUnchanged(a, 0x9000, () => runRestore(a, diff, [full, diff], { mode: 'verify' }));
    refusedUnchanged(a, 0x6988, () => runRestore(a, diff, [full], { mode: 'verify' }));
    expect(runRestore(a, diff, [full, diff])).toBe(0x9000);
  });
});

describe('commands out of order and memory updates during a backup', () => {
  it('transfer, complete, abort without BACKUP; restore transfer/complete without RESTORE: 6985', () => {
    const c = card('4900000000000005');
    refusedUnchanged(c, 0x6985, () => send(c, backupTransfer.getApdu(65536)).sw);
    refusedUnchanged(c, 0x6985, () => send(c, backupComplete.getApdu(new Uint8Array(32))).sw);
    refusedUnchanged(c, 0x6985, () => send(c, backupAbort.getApdu()).sw);
    refusedUnchanged(c, 0x6985, () => send(c, restoreTransfer.getApdu(new Uint8Array(7))).sw);
    refusedUnchanged(c, 0x6985, () => send(c, restoreComplete.getApdu(0)).sw);
    refusedUnchanged(c, 0x6985, () => send(c, backup.getApdu('diff', 0)).sw); // no current point yet
  });
  it('COMPLETE before all data, with the wrong hash, twice; BACKUP twice', () => {
    const c = card('4900000000000006');
    const start = backup.parseResponse(concat(send(c, backup.getApdu('full', 5)).data, Uint8Array.of(0x90, 0)));
    expect(send(c, backup.getApdu('full', 5)).sw).toBe(0x6985);
    expect(send(c, backupComplete.getApdu(new Uint8Array(32))).sw).toBe(0x6985);
    let sw = 0x6310;
    while (sw === 0x6310) sw = send(c, backupTransfer.getApdu(1024)).sw;
    expect(send(c, backupTransfer.getApdu(1024)).sw).toBe(0x6985);
    refusedUnchanged(c, 0x6a80, () => send(c, backupComplete.getApdu(new Uint8Array(32))).sw);
    expect(c.inspect().backupCounter).toBe(start.header.seq);
    expect(send(c, backupComplete.getApdu(runHash(start.headerBytes))).sw).toBe(0x9000);
    refusedUnchanged(c, 0x6985, () => send(c, backupComplete.getApdu(runHash(start.headerBytes))).sw);
  });
  it('an aborted backup marks nothing and its seq is never reused', () => {
    const c = card('4900000000000007');
    runBackup(c, 'full');
    poke(c, 0, new Uint8Array(3).fill(1));
    const changed = c.inspect().changedPages;
    send(c, backup.getApdu('diff', 1));
    expect(send(c, backupAbort.getApdu()).sw).toBe(0x9000);
    expect(c.inspect().changedPages).toEqual(changed);
    expect(c.inspect().currentPoint).toBe(1);
    expect(runBackup(c, 'diff').header.seq).toBe(3);
  });
  it('memory updates while a backup is in progress: 6985, nothing written', () => {
    const c = card('4900000000000008');
    send(c, backup.getApdu('full', 1));
    refusedUnchanged(c, 0x6985, () => poke(c, 0, new Uint8Array(4).fill(0xee)));
    refusedUnchanged(c, 0x6985, () => send(c, changePin.getApdu('1234', '5678')).sw);
    refusedUnchanged(c, 0x6985, () => runRestore(c, bFull, [bFull], { target: 'other', authorisation: authorise(bFull, c) }));
  });
});

describe('the PIN guards backup and restore', () => {
  it('no PIN: 6982 for BACKUP, RESTORE', () => {
    const c = createTestCard({ ...opts, cardNumber: '4900000000000010', seed: 'x' });
    c.powerOn();
    refusedUnchanged(c, 0x6982, () => send(c, backup.getApdu('full', 1)).sw);
    refusedUnchanged(c, 0x6982, () => runRestore(c, full, [full]));
  });
  it('three wrong tries block; the counter is spent before the comparison; a right PIN resets it', () => {
    const c = createTestCard({ ...opts, cardNumber: '4900000000000011', seed: 'y' });
    c.powerOn();
    expect(send(c, verifyPin.getApdu('0000')).sw).toBe(0x63c2);
    expect(send(c, verifyPin.getApdu('1234')).sw).toBe(0x9000);
    expect(c.inspect().pinTriesLeft).toBe(3);
    expect(send(c, verifyPin.getApdu('0000')).sw).toBe(0x63c2);
    expect(send(c, verifyPin.getApdu('0000')).sw).toBe(0x63c1);
    expect(send(c, verifyPin.getApdu('0000')).sw).toBe(0x63c0);
    expect(send(c, verifyPin.getApdu('1234')).sw).toBe(0x6983);
    expect(send(c, { cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: new Uint8Array(0), ne: 0 }).sw).toBe(0x6983);
    c.powerOff();
    c.powerOn();
    expect(send(c, verifyPin.getApdu('1234')).sw).toBe(0x6983);
  });
  it('CHANGE REFERENCE DATA', () => {
    const c = card('4900000000000012');
    expect(send(c, changePin.getApdu('1234', '24680')).sw).toBe(0x9000);
    c.powerOn();
    expect(send(c, verifyPin.getApdu('1234')).sw).toBe(0x63c2);
    expect(send(c, verifyPin.getApdu('24680')).sw).toBe(0x9000);
  });
});
