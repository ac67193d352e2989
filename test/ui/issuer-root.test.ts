/**
 * A build that pins its issuer's root (VITE_ISSUER_ROOT): a card in a real reader is
 * checked up to that root before the vault first keeps its certificate. Through the real
 * services, a simulated USB reader and the card's own commands; fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { SimUsbReader } from '../../src/reader/sim-usb-reader/index.ts';
import type { UsbLike } from '../../src/reader/usb-surface.ts';
import type { TransferProgress } from '../../src/ui/model.ts';
import { createServices } from '../../src/ui/services/create.ts';
import { parseIssuerRoot } from '../../src/ui/services/issuer-root.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';
import { createTestCard, TEST_CARD, testIssuer } from '../support/card.ts';

const backupCall = { kind: 'auto' as const, pin: TEST_CARD.pin, signal: new AbortController().signal, onProgress: (_p: TransferProgress) => undefined };

async function servicesWithCardOf(issuer: IssuerAuthority, issuerRoot: Uint8Array | null) {
  globalThis.indexedDB = new IDBFactory();
  const reader = new SimUsbReader('extended-apdu');
  const card = createTestCard({ issuer, seed: `root-${hex(issuer.rootPublicKey).slice(0, 8)}` });
  reader.insertCard(card);
  const usb: UsbLike = { requestDevice: async () => reader, addEventListener: () => undefined, removeEventListener: () => undefined };
  const s = createServices(usb, { notes: memoryKeyValue(), issuerUrl: null, issuerRoot });
  await s.connectReader();
  return { s, card };
}

const otherIssuer = () => new IssuerAuthority(generateIssuerKeys({ issuer: testIssuer().issuer, seed: new Uint8Array(32).fill(0x5a) }));

describe('the pinned issuer root (VITE_ISSUER_ROOT)', () => {
  it('parses 64 hex digits; refuses anything else naming what is wrong; empty or unset pins none', () => {
    const root = testIssuer().rootPublicKey;
    expect(parseIssuerRoot(hex(root))).toEqual(root);
    expect(parseIssuerRoot(` ${hex(root).toLowerCase()}\n`)).toEqual(root);
    expect(parseIssuerRoot(undefined)).toBeNull();
    expect(parseIssuerRoot('')).toBeNull();
    expect(() => parseIssuerRoot(hex(root).slice(2))).toThrow('VITE_ISSUER_ROOT must be the issuer root\'s Ed25519 public key as 64 hex digits: it has 62 hex digits');
    expect(() => parseIssuerRoot(`${hex(root).slice(1)}g`)).toThrow(/not a hex digit \("g"\)/);
  });

  it('a card of another issuer in a real reader: refused as not genuine, nothing stored, the card not asked for a backup', async () => {
    const { s, card } = await servicesWithCardOf(otherIssuer(), testIssuer().rootPublicKey);
    const e = await s.backup(backupCall).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'card-not-genuine' });
    expect(await s.vaultCards()).toEqual([]);
    expect(card.inspect().backupCounter).toBe(0);
    await s.disconnect();
  });

  it("a card of the pinned issuer: checked and backed up; the same foreign card with no root pinned is kept on first use", async () => {
    const pinned = await servicesWithCardOf(testIssuer(), testIssuer().rootPublicKey);
    expect(await pinned.s.backup(backupCall)).toMatchObject({ seq: 1, kind: 'full' });
    await pinned.s.disconnect();
    const unpinned = await servicesWithCardOf(otherIssuer(), null);
    expect(await unpinned.s.backup(backupCall)).toMatchObject({ seq: 1, kind: 'full' });
    await unpinned.s.disconnect();
  });
});
