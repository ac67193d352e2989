import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { IssuerClient, IssuerRequestError } from '../../src/host/issuer-client.ts';
import { serviceRestoreAuthority } from '../../src/host/issuer-authority.ts';
import { decodeHeader, headerHash } from '../../src/protocol/backup-format.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { splitBackupData } from '../../src/protocol/trust/backup-data.ts';
import { decodeAuthorisationV2, encodeAuthorisationV2, verifyAuthorisationV2 } from '../../src/protocol/trust/authorisation.ts';
import { CopyMarks } from '../../src/ui/services/issuer-marks.ts';
import { IssuerSync, type LocalCopies } from '../../src/ui/services/issuer-sync.ts';
import { openWorld, type World } from '../issuer/support/world.ts';
import { makeBackup } from '../issuer/support/backups.ts';
import { TestCard } from '../issuer/support/test-authority.ts';

// A lost card replaced, as the app goes through it (patent fig. 21): the old card's
// backups went up from the old browser; on a new browser the replacement card proves
// itself, the lost card's chain fills the empty vault (with the lost card's certificate,
// so the vault can check its signatures), and the restore authority asks the service
// for the authorisation of the chosen point — bound to both cards, the point and the
// counter, once.

type Held = { bytes: Uint8Array; certificate: Uint8Array | null };

function memoryCopies(): LocalCopies & { held: Map<string, Held>; put(bytes: Uint8Array): void } {
  const held = new Map<string, Held>();
  const keyOf = (bytes: Uint8Array) => {
    const p = splitBackupData(bytes);
    if (!p.ok) throw new Error(p.error.message);
    const h = decodeHeader(p.value.header);
    if (!h.ok) throw new Error(h.error.message);
    return `${h.value.cardNumber}:${h.value.seq}`;
  };
  return {
    held,
    put: (bytes) => void held.set(keyOf(bytes), { bytes, certificate: null }),
    seqs: async (card) =>
      [...held.keys()]
        .filter((k) => k.startsWith(card + ':'))
        .map((k) => Number(k.split(':')[1]))
        .sort((a, b) => a - b),
    bytes: async (card, seq) => {
      const b = held.get(`${card}:${seq}`);
      if (!b) throw new Error(`no ${card}:${seq}`);
      return b.bytes;
    },
    store: async (bytes, certificate) => void held.set(keyOf(bytes), { bytes, certificate }),
  };
}

const proof = (card: TestCard) => async () => ({ certificate: card.certificate, sign: async (c: Uint8Array) => card.signChallenge(c) });
const noWait = { sleep: async () => undefined };

describe('a replacement card in a new browser', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld('pglite');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('fills the lost card chain, then gets one authorisation for the chosen point', async () => {
    const client = new IssuerClient(w.issuer.url);
    // The old browser: the card registers (recovery code once) and two backups go up.
    const old = w.newCard();
    const oldLocal = memoryCopies();
    const oldSync = new IssuerSync({ client, marks: await CopyMarks.open('old-browser'), local: oldLocal, proofFor: proof(old), queue: noWait });
    const { recoveryCode } = await oldSync.link(old.cardNumber);
    if (!recoveryCode) throw new Error('first registration gives the recovery code');
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 1 });
    const b2 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
    oldLocal.put(old.frame(b1.header, b1.records));
    oldLocal.put(old.frame(b2.header, b2.records));
    await oldSync.push(old.cardNumber);
    expect(oldSync.place(old.cardNumber, 2, true)).toBe('both');

    // Lost: reported with the code, approved, the blank card personalised by the issuer.
    await client.reportLost(old.cardNumber, recoveryCode);
    expect((await w.call('POST', `/v1/operator/replacements/${old.cardNumber}/approve`, { headers: { authorization: w.operatorAuth } })).status).toBe(201);
    const blank = new TestCard(w.authority);
    const made = await client.personalise(old.cardNumber, recoveryCode, { signKey: blank.signKey, boxKey: blank.boxKey }, '2468');
    const fresh = blank.personalised(made.cardNumber, made.certificate);

    // The new browser: empty vault, the new card proves itself, the lost card's chain comes down.
    const laptop = memoryCopies();
    const sync = new IssuerSync({ client, marks: await CopyMarks.open('new-browser'), local: laptop, proofFor: proof(fresh), queue: noWait });
    const linked = await sync.link(fresh.cardNumber);
    expect(linked).toMatchObject({ replaces: old.cardNumber, filled: 2, recoveryCode: expect.any(String) });
    expect(await laptop.seqs(old.cardNumber)).toEqual([1, 2]);
    const point = laptop.held.get(`${old.cardNumber}:2`);
    expect(point?.bytes).toEqual(await oldLocal.bytes(old.cardNumber, 2));
    expect(point?.certificate).toEqual(old.certificate);
    expect(sync.place(old.cardNumber, 2, true)).toBe('both');

    // The restore of point 2 onto the new card: the authority asks in the new card's session.
    const session = () => client.login({ certificate: fresh.certificate, sign: async (c) => fresh.signChallenge(c) });
    const authority = serviceRestoreAuthority(client, session);
    const parts = splitBackupData(point?.bytes ?? new Uint8Array(0));
    if (!parts.ok) throw new Error(parts.error.message);
    const request = { sourceCertificate: old.certificate, targetCertificate: fresh.certificate, pointHeader: parts.value.header, wrappedKey: parts.value.wrappedKey, targetCounter: 0 };
    const doc = decodeAuthorisationV2(await authority.authoriseRestore(request));
    expect(doc.ok).toBe(true);
    if (doc.ok) {
      expect(doc.value).toMatchObject({ sourceCardNumber: old.cardNumber, targetCardNumber: fresh.cardNumber, targetCounter: 1 });
      expect(hex(doc.value.chainHead)).toBe(hex(headerHash(parts.value.header)));
      const epochKey = ed25519.getPublicKey(w.authority.keys.epochs[0]?.signingSecretKey ?? new Uint8Array(32));
      expect(verifyAuthorisationV2(epochKey, doc.value)).toBe(true);
    }
    // Once: the same request again (an answer lost on the way) gets the same document back;
    // another counter is a second authorisation, refused; a session of another card is named before asking.
    expect(hex(await authority.authoriseRestore(request))).toBe(hex(doc.ok ? encodeAuthorisationV2(doc.value) : new Uint8Array(0)));
    await expect(authority.authoriseRestore({ ...request, targetCounter: 1 })).rejects.toMatchObject({ code: 'REPLAYED', status: 409 });
    await expect(authority.authoriseRestore({ ...request, targetCounter: 1 })).rejects.toBeInstanceOf(IssuerRequestError);
    const wrongSession = serviceRestoreAuthority(client, () => client.login({ certificate: old.certificate, sign: async (c) => old.signChallenge(c) }));
    await expect(wrongSession.authoriseRestore(request)).rejects.toMatchObject({ code: 'WRONG_CARD' });
  });
});
