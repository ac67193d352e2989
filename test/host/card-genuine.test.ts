/**
 * Before the vault first keeps a card's certificate (the anchor of every later header
 * check), the host checks it up to the issuer's root and has the card sign a fresh
 * challenge (src/host/card-genuine.ts, issue 10). A card of another issuer and a copy of
 * a genuine certificate in another card are refused with NOT_GENUINE, nothing stored.
 */
import { describe, expect, it } from 'vitest';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { backup } from '../../src/host/backup.ts';
import { HostError } from '../../src/host/errors.ts';
import { hex } from '../../src/protocol/bytes.ts';
import type { CardLike } from '../../src/protocol/transport.ts';
import { createTestCard, testIssuer } from '../support/card.ts';
import { DirectTransport } from './direct-transport.ts';
import { CARD_A, makeCard, PIN, vaultFactory } from './fixture.ts';

const root = () => testIssuer().rootPublicKey;

async function refusal(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HostError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('a card is checked up to the issuer root before the vault first keeps its certificate', () => {
  it('a genuine card: epoch certificate, card certificate and a signed challenge, then the backup; later backups use the kept certificate', async () => {
    const card = makeCard();
    const t = new DirectTransport(card);
    const vault = await vaultFactory().open();
    const r = await backup(t, vault, { pin: PIN, kind: 'full', date: 1_000, issuerRoot: root() });
    expect(r.seq).toBe(1);
    const sent = t.log.map((x) => hex(x.command.subarray(0, 4)));
    expect(sent).toContain('80CA010A'); // GET DATA epoch certificate
    expect(sent).toContain('80CA0109'); // GET DATA card certificate
    expect(sent).toContain('00880000'); // INTERNAL AUTHENTICATE
    expect((await vault.getCard(CARD_A))?.certificate).toHaveLength(t.log.find((x) => hex(x.command.subarray(0, 4)) === '80CA0109')!.response.length - 2);
    t.log.length = 0;
    await backup(t, vault, { pin: PIN, kind: 'auto', date: 2_000, issuerRoot: root() });
    expect(t.log.map((x) => hex(x.command.subarray(0, 4)))).not.toContain('00880000');
    vault.close();
  });

  it("a card of another issuer (its epoch certificate under another root): NOT_GENUINE, nothing stored", async () => {
    const other = new IssuerAuthority(generateIssuerKeys({ issuer: testIssuer().issuer, seed: new Uint8Array(32).fill(0x66) }));
    const card = createTestCard({ cardNumber: CARD_A, seed: 'foreign', issuer: other });
    const vault = await vaultFactory().open();
    const e = await refusal(backup(new DirectTransport(card), vault, { pin: PIN, kind: 'full', date: 1_000, issuerRoot: root() }));
    expect(e.code).toBe('NOT_GENUINE');
    expect(e.message).toBe(`card ${CARD_A} is not a genuine card of this issuer: its epoch 1 certificate is not signed by the issuer's root key`);
    expect(await vault.listCards()).toEqual([]);
    expect(card.inspect().backupCounter).toBe(0);
    vault.close();
  });

  it('a copy: a genuine certificate of card A answered by another card with the same number, which lacks A\u2019s key: NOT_GENUINE', async () => {
    const genuine = makeCard();
    const certificate = new DirectTransport(genuine);
    const certBytes = (await certificate.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x09, 0x00))).slice(0, -2);
    const impostor = makeCard(CARD_A, { seed: 'impostor' });
    // The copy answers GET DATA 0109 with A's certificate; everything else is its own.
    const copy: CardLike = {
      powerOn: () => impostor.powerOn(),
      powerOff: () => impostor.powerOff(),
      transmit: (apdu) => (hex(apdu.subarray(0, 4)) === '80CA0109' ? Uint8Array.of(...certBytes, 0x90, 0x00) : impostor.transmit(apdu)),
    };
    const vault = await vaultFactory().open();
    const e = await refusal(backup(new DirectTransport(copy), vault, { pin: PIN, kind: 'full', date: 1_000, issuerRoot: root() }));
    expect(e.code).toBe('NOT_GENUINE');
    expect(e.message).toMatch(/does not hold the key its certificate names/);
    expect(await vault.listCards()).toEqual([]);
    vault.close();
  });
});
