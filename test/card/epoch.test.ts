/**
 * Epochs (issue 10, docs/trust.md "Epochs"): EPOCH UPDATE gives a card a newer epoch key
 * certified by its root, with its own certificate re-signed by that epoch. Its next
 * backups are wrapped to the new key; backups of an epoch below the minimum are refused.
 * Every refusal leaves the EEPROM as it was. Through `transmit` only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import type { SimCard } from '../../src/card-sim/index.ts';
import { command } from '../../src/protocol/apdu.ts';
import { equal, hex } from '../../src/protocol/bytes.ts';
import { backup, epochUpdate, getCardKeys, getEpochCertificate } from '../../src/protocol/commands/index.ts';
import { createTestCard } from '../support/card.ts';
import { certificateOf, raw, runBackup, runRestore, send, verify, type StoredBackup } from './helpers.ts';

const CARD = '4900000000000451';
/** Its own issuer: newEpoch changes an authority, and the shared test issuer must stay at epoch 1. */
const issuer = new IssuerAuthority(generateIssuerKeys({ issuer: 0x45504f43, seed: new Uint8Array(32).fill(0x45) }));

let card: SimCard;
let old: StoredBackup;
let epoch1: Uint8Array;
let epoch2: Uint8Array;
let cert2: Uint8Array;

/** The card's own keys certified by the issuer's current epoch (a personalisation's card certificate). */
function certify(c: SimCard, cardNumber = CARD): Uint8Array {
  const k = getCardKeys.parseResponse(raw(send(c, getCardKeys.getApdu())));
  return issuer.personalise({ cardNumber, cardSigningPublicKey: k.signingPublicKey, cardKemPublicKey: k.kemPublicKey, pin: '1234', puk: '12345678' }).cardCertificate;
}
const update = (c: SimCard, e: Uint8Array, cc: Uint8Array) => send(c, epochUpdate.getApdu(e, cc)).sw.toString(16);
function refusedUnchanged(c: SimCard, sw: string, fn: () => string): void {
  const before = c.save();
  expect(fn()).toBe(sw);
  expect(equal(c.save(), before), 'card changed').toBe(true);
}

beforeAll(() => {
  card = createTestCard({ cardNumber: CARD, seed: 'epoch card', memorySize: 8192, issuer });
  card.powerOn();
  verify(card);
  old = runBackup(card, 'full');
  epoch1 = issuer.epochCertificate(1);
  expect(issuer.newEpoch({ minEpoch: 2 })).toBe(2);
  epoch2 = issuer.epochCertificate(2);
  cert2 = certify(card);
});

describe('EPOCH UPDATE refusals', () => {
  it('an epoch certificate of another root: 6982', () => {
    const forger = new IssuerAuthority(generateIssuerKeys({ issuer: issuer.issuer, seed: new Uint8Array(32).fill(0x46) }));
    forger.newEpoch({ minEpoch: 2 });
    refusedUnchanged(card, '6982', () => update(card, forger.epochCertificate(2), cert2));
  });
  it('an epoch that is not newer: 6984', () => refusedUnchanged(card, '6984', () => update(card, epoch1, cert2)));
  it('the card certificate of epoch 1 with the epoch-2 key: 6982; of another card’s keys: 6A88', () => {
    refusedUnchanged(card, '6982', () => update(card, epoch2, certificateOf(card)));
    const other = createTestCard({ cardNumber: CARD, seed: 'another card', memorySize: 8192, issuer });
    refusedUnchanged(card, '6a88', () => update(card, epoch2, certify(other)));
  });
  it('wrong length: 6700; malformed: 6A80', () => {
    refusedUnchanged(card, '6700', () => send(card, command(0x80, 0xd4, 0, 0, epoch2)).sw.toString(16));
    const junk = epoch2.slice();
    junk[0] = 0;
    refusedUnchanged(card, '6a80', () => update(card, junk, cert2));
  });
});

describe('after EPOCH UPDATE', () => {
  it('the card holds epoch 2 and its new certificate; minEpoch 2 retires the old backup (6984)', () => {
    expect(update(card, epoch2, cert2)).toBe('9000');
    expect(card.inspect()).toMatchObject({ epoch: 2, minEpoch: 2 });
    expect(hex(getEpochCertificate.parseResponse(raw(send(card, getEpochCertificate.getApdu()))))).toBe(hex(epoch2));
    expect(hex(certificateOf(card))).toBe(hex(cert2));
    verify(card);
    refusedUnchanged(card, '6984', () => runRestore(card, old, [old]).toString(16));
  });
  it('no page is backed up under the new epoch: the point is none, every page changed, a diff refused (6985) until a full backup', () => {
    const v = card.inspect();
    expect(v.point).toEqual({ card: CARD, seq: 0 });
    expect(v.changedPages).toEqual(Array.from({ length: v.pageCount }, (_, i) => i));
    refusedUnchanged(card, '6985', () => send(card, backup.getApdu('diff', 1_700_000_000_000)).sw.toString(16));
  });
  it('new backups are wrapped to the epoch-2 key (the issuer opens them) and restore, a diff on the new full too', () => {
    const fresh = runBackup(card, 'full');
    expect(fresh.header.epoch).toBe(2);
    expect(issuer.openWrappedKey(fresh.wrappedKeyBytes).epoch).toBe(2);
    expect(() => issuer.openWrappedKey(old.wrappedKeyBytes)).toThrow(/retired/);
    expect(runRestore(card, fresh, [fresh])).toBe(0x9000);
    const diff = runBackup(card, 'diff');
    expect(diff.header).toMatchObject({ epoch: 2, baseSeq: fresh.header.seq });
    expect(runRestore(card, diff, [fresh, diff])).toBe(0x9000);
  });
  it('an older epoch again: 6984', () => refusedUnchanged(card, '6984', () => update(card, issuer.epochCertificate(2), cert2)));
});
