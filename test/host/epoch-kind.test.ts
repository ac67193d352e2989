/**
 * After EPOCH UPDATE the host makes a full backup, never a diff on a base of the old
 * epoch (which could never be restored: its base's pages open only under the old epoch).
 * Found by the model (docs/model.md "Found"); the host's decideKind keeps it from happening.
 */
import { describe, expect, it } from 'vitest';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { backup } from '../../src/host/backup.ts';
import { HostError } from '../../src/host/errors.ts';
import { restore } from '../../src/host/restore.ts';
import { decodeResponse } from '../../src/protocol/apdu.ts';
import { epochUpdate, getCardKeys } from '../../src/protocol/commands/index.ts';
import { encodeCommand } from '../../src/protocol/apdu.ts';
import { createTestCard } from '../support/card.ts';
import { DirectTransport } from './direct-transport.ts';
import { CARD_A, PIN, vaultFactory } from './fixture.ts';
import { scratchApp } from './scratch-app.ts';

describe('the first backup of a new epoch is full', () => {
  it("auto makes a full backup after EPOCH UPDATE; an explicit diff is refused (MISSING_BASE) naming the epochs; the new chain restores", async () => {
    const issuer = new IssuerAuthority(generateIssuerKeys({ issuer: 0x45504f44, seed: new Uint8Array(32).fill(0x47) }));
    const card = createTestCard({ cardNumber: CARD_A, seed: 'epoch kind', issuer, apps: [scratchApp(8 * 1024)] });
    const t = new DirectTransport(card);
    const vault = await vaultFactory().open();
    expect((await backup(t, vault, { pin: PIN, kind: 'full', date: 1_000 })).row.epoch).toBe(1);
    expect((await backup(t, vault, { pin: PIN, kind: 'auto', date: 2_000 })).kind).toBe('diff');

    // The issuer moves to epoch 2 (keeping epoch 1's backups restorable) and re-certifies the card.
    issuer.newEpoch({ minEpoch: 1 });
    const send = (apdu: Uint8Array) => {
      const r = decodeResponse(card.transmit(apdu));
      if (!r.ok) throw r.error;
      return r.value;
    };
    const keys = getCardKeys.parseResponse(Uint8Array.of(...send(encodeCommand(getCardKeys.getApdu())).data, 0x90, 0x00));
    const cert = issuer.personalise({ cardNumber: CARD_A, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin: PIN, puk: '12345678' }).cardCertificate;
    expect(send(encodeCommand(epochUpdate.getApdu(issuer.epochCertificate(2), cert))).sw).toBe(0x9000);

    let refused: unknown;
    try {
      await backup(t, vault, { pin: PIN, kind: 'diff', date: 3_000 });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(HostError);
    expect((refused as HostError).code).toBe('MISSING_BASE');
    // The card has no current point after EPOCH UPDATE (epoch.ts); the host says so before anything is sent.
    expect((refused as HostError).message).toBe(`a differential backup of card ${CARD_A} is refused: the card has no current point (it was never backed up, was restored from another card, or took a new epoch key). Run a full backup.`);

    const first = await backup(t, vault, { pin: PIN, kind: 'auto', date: 4_000 });
    expect(first).toMatchObject({ kind: 'full', seq: 3 });
    expect(first.row.epoch).toBe(2);
    const next = await backup(t, vault, { pin: PIN, kind: 'auto', date: 5_000 });
    expect(next).toMatchObject({ kind: 'diff', seq: 4 });
    expect((await restore(t, vault, { pin: PIN, card: CARD_A, seq: 4, target: 'same', mode: 'compacted' })).seq).toBe(4);
    vault.close();
  });
});
