/** Card-signed headers (protocol version 2): commit, verify and import check every header against the card's certificate. */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { headerHash } from '../../src/protocol/backup-format.ts';
import { concat, fromHex } from '../../src/protocol/bytes.ts';
import { signHeader } from '../../src/protocol/trust/index.ts';
import type { Vault } from '../../src/vault/index.ts';
import { CardModel, Rng, type ModelBackup } from './card-model.ts';
import { forgeHeader, rebuildV2, readV2 } from './export-file.ts';
import { dump, freshFactory, hexOf, refused } from './setup.ts';

const v2card = (seed: number) => new CardModel({ seed, version: 2 });

async function store(v: Vault, b: ModelBackup) {
  await v.commitBackup(b.input);
  await v.confirmBackup(b.card, b.seq);
}

describe('card-signed headers', () => {
  it('commit keeps the certificate and signature; an unsigned or forged header of a signing card is refused', async () => {
    const v = await freshFactory().open();
    const card = v2card(1);
    await store(v, card.next('full'));
    expect((await v.getCard(card.cardNumber))?.certificate).toEqual(card.certificate);
    expect((await v.getBackup(card.cardNumber, 1))?.headerSignature).toHaveLength(64);
    const b = card.backup('diff', 3);
    const { headerSignature: _s, cardCertificate: _c, ...unsigned } = b.input;
    expect(await refused(v.commitBackup(unsigned))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('the header carries no card signature') });
    const other = signHeader(new Rng(9).bytes(32), b.input.wrappedKey, b.input.header);
    expect(await refused(v.commitBackup({ ...b.input, headerSignature: other }))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('does not verify') });
    // Another certificate than the one kept for the card is refused, even with a header it signs.
    const stranger = v2card(5);
    expect(await refused(v.commitBackup({ ...b.input, cardCertificate: stranger.certificate as Uint8Array }))).toMatchObject({ code: 'BAD_SIGNATURE' });
    // Later backups are checked against the certificate kept, without it being handed again.
    await v.commitBackup({ ...unsigned, headerSignature: b.input.headerSignature as Uint8Array });
    expect(await v.verify()).toEqual([]);
    v.close();
  });

  it('a version-2 header is refused without a certificate to check it; a version-1 header for a signing card is refused', async () => {
    const v = await freshFactory().open();
    const card = v2card(2);
    const b = card.next('full');
    const { cardCertificate: _c, ...noCert } = b.input;
    expect(await refused(v.commitBackup(noCert))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('holds no certificate for card') });
    expect(await v.listCards()).toEqual([]);
    await store(v, b);
    const old = new CardModel({ seed: 2, cardNumber: card.cardNumber });
    old.next('full');
    const v1 = old.next('diff', 2);
    expect(await refused(v.commitBackup(v1.input))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('is of protocol version 1') });
    v.close();
  });

  it('verify finds a header altered with its hash recomputed, and a signature altered', async () => {
    const v = await freshFactory().open();
    const card = v2card(3);
    await store(v, card.next('full'));
    await store(v, card.next('diff', 2));
    await store(v, card.next('diff', 2));
    const row = await v.db.get('backups', [card.cardNumber, 2]);
    if (!row) throw new Error('no row');
    row.header[30] = (row.header[30] as number) ^ 1;
    await v.db.put('backups', { ...row, headerHash: hexOf(headerHash(row.header)) });
    const r3 = await v.db.get('backups', [card.cardNumber, 3]);
    if (!r3?.headerSignature) throw new Error('no row');
    r3.headerSignature[0] = (r3.headerSignature[0] as number) ^ 1;
    await v.db.put('backups', r3);
    // A wrapped key altered in its sealed bytes (still well-formed: only the signature can tell).
    await store(v, card.next('diff', 2));
    const r4 = await v.db.get('backups', [card.cardNumber, 4]);
    if (!r4) throw new Error('no row');
    r4.wrappedKey[60] = (r4.wrappedKey[60] as number) ^ 1;
    await v.db.put('backups', r4);
    const f = await v.verify();
    expect(f.filter((x) => x.code === 'HEADER_SIGNATURE').map((x) => [x.seq, x.message])).toEqual([
      [2, "the header's card signature does not verify: the header or the wrapped key is not the one the card made"],
      [3, "the header's card signature does not verify: the header or the wrapped key is not the one the card made"],
      [4, "the header's card signature does not verify: the header or the wrapped key is not the one the card made"],
    ]);
    v.close();
  });

  it('verify checks the newest signature and the hash chain back: an older forged header is found, a stored signature altered is found by its kept hash', async () => {
    const v = await freshFactory().open();
    const card = v2card(7);
    await store(v, card.next('full'));
    for (let i = 0; i < 5; i++) await store(v, card.next('diff', 2));
    expect(await v.verify()).toEqual([]);
    expect(await v.verify({ signatures: 'every' })).toEqual([]);
    // The signature of seq 3 replaced by one of another key, its kept hash recomputed too:
    // the header is still the card's (seq 4 names it by hash), so the chain check does not
    // run Ed25519 on it; only 'every' does. (The card would refuse it on restore.)
    const r3 = await v.db.get('backups', [card.cardNumber, 3]);
    if (!r3) throw new Error('no row');
    const other = signHeader(new Rng(11).bytes(32), r3.wrappedKey, r3.header);
    await v.db.put('backups', { ...r3, headerSignature: other, signatureHash: hexOf(sha256(concat(r3.wrappedKey, other))) });
    expect(await v.verify()).toEqual([]);
    expect((await v.verify({ signatures: 'every' })).map((f) => [f.code, f.seq])).toEqual([['HEADER_SIGNATURE', 3]]);
    // The same bytes without the kept hash recomputed: found by the chain check as well.
    await v.db.put('backups', { ...r3, headerSignature: other });
    expect((await v.verify()).map((f) => [f.code, f.seq])).toEqual([['HEADER_SIGNATURE', 3]]);
    // Likewise the wrapped key (under the signature, not under the chain): altered alone it
    // is found by its kept hash; with the kept hash recomputed, only by 'every'.
    const key = r3.wrappedKey.slice();
    key[60] = (key[60] as number) ^ 1;
    await v.db.put('backups', { ...r3, wrappedKey: key });
    expect((await v.verify()).map((f) => [f.code, f.seq])).toEqual([['HEADER_SIGNATURE', 3]]);
    await v.db.put('backups', { ...r3, wrappedKey: key, signatureHash: hexOf(sha256(concat(key, r3.headerSignature as Uint8Array))) });
    expect(await v.verify()).toEqual([]);
    expect((await v.verify({ signatures: 'every' })).map((f) => [f.code, f.seq])).toEqual([['HEADER_SIGNATURE', 3]]);
    await v.db.put('backups', r3);
    // An older header forged with its stored hash recomputed: seq 3's header no longer names
    // it, so it is an anchor, its own signature is checked, and it fails.
    const r2 = await v.db.get('backups', [card.cardNumber, 2]);
    if (!r2) throw new Error('no row');
    r2.header[30] = (r2.header[30] as number) ^ 1;
    await v.db.put('backups', { ...r2, headerHash: hexOf(headerHash(r2.header)) });
    const f = await v.verify();
    expect(f.filter((x) => x.code === 'HEADER_SIGNATURE').map((x) => x.seq)).toEqual([2]);
    expect(f.find((x) => x.code === 'CHAIN_BROKEN')?.seq).toBe(3);
    v.close();
  });

  it('verify holds every header, tombstones included, to the signature rule: a lost certificate, a version-1 header on a signing card, a forged deleted header', async () => {
    const v = await freshFactory().open();
    const card = v2card(6);
    await store(v, card.next('full'));
    for (let i = 0; i < 3; i++) await store(v, card.next('diff', 2));
    await v.deleteBackups(card.cardNumber, [2]);
    expect(await v.verify()).toEqual([]);
    // A deleted backup's header forged in its tombstone, its hash recomputed.
    const t = await v.db.get('tombstones', [card.cardNumber, 2]);
    if (!t) throw new Error('no tombstone');
    t.header[30] = (t.header[30] as number) ^ 1;
    await v.db.put('tombstones', { ...t, headerHash: hexOf(headerHash(t.header)) });
    expect((await v.verify()).filter((f) => f.code === 'HEADER_SIGNATURE').map((f) => f.seq)).toEqual([2]);
    // The tombstone keeps the wrapped key, since the signature covers it; without it the
    // tombstone's signature cannot be checked, and verify says so rather than trusting it.
    expect(t.wrappedKey).toHaveLength(99);
    const { wrappedKey: _k, ...keyless } = t;
    await v.db.put('tombstones', keyless);
    expect((await v.verify()).find((f) => f.code === 'HEADER_SIGNATURE' && f.seq === 2)?.message).toBe("no wrapped key is kept with this header, and the card's signature covers it: the signature cannot be checked");
    // A version-1 header slipped in for a card that signs (its version byte set back to 1).
    const r = await v.db.get('backups', [card.cardNumber, 3]);
    if (!r) throw new Error('no row');
    r.header[4] = 1;
    await v.db.put('backups', { ...r, headerHash: hexOf(headerHash(r.header)) });
    const f = await v.verify();
    expect(f.find((x) => x.seq === 3 && x.code === 'HEADER_SIGNATURE')?.message).toBe(`the header is of protocol version 1, and card ${card.cardNumber} signs its headers (protocol version 2): not made by this card`);
    // The card row's certificate lost: no version-2 header can be checked any more.
    const c = await v.getCard(card.cardNumber);
    if (!c) throw new Error('no card');
    const { certificate: _c, ...lost } = c;
    await v.db.put('cards', lost);
    const g = await v.verify();
    expect(g.filter((x) => x.code === 'HEADER_SIGNATURE').map((x) => x.seq)).toEqual([1, 2, 3, 4]); // 3: a version-1 header carrying a signature
    expect(g.find((x) => x.seq === 4)?.message).toBe(`the header is of protocol version 2, and the vault holds no certificate for card ${card.cardNumber} to check its signature against`);
    v.close();
  });

  it('export and import carry certificate and signatures; forged headers, maps and keys are refused with the vault unchanged', async () => {
    const v = await freshFactory().open();
    const card = v2card(4);
    await store(v, card.next('full'));
    for (let i = 0; i < 3; i++) await store(v, card.next('diff', 2));
    const file = await v.exportFile();
    const w = await freshFactory().open();
    await w.importFile(file);
    expect((await w.getCard(card.cardNumber))?.certificate).toEqual(card.certificate);
    expect(await w.verify()).toEqual([]);
    expect(await dump(w)).toMatchObject({ backups: (await dump(v)).backups });

    const fresh = await freshFactory().open();
    const refuse = async (f: Uint8Array, message: string | RegExp, into: Vault = fresh) => {
      const before = await dump(into);
      const e = await refused(into.importFile(f));
      expect(e.message).toMatch(message);
      expect(await dump(into)).toEqual(before);
      return e;
    };
    // A newest header forged, its hashes recomputed (and the chain's digest too).
    const forged = await forgeHeader(file, 3);
    await refuse(await rebuildV2(forged), `not a usable vault export: card ${card.cardNumber} seq 4: the header's card signature does not verify: the header or the wrapped key is not the one the card made`);
    // The same with the certificate and signatures left out: a version-2 header cannot be taken on trust.
    const stripped = await readV2(await rebuildV2(forged));
    delete stripped.index.cards[0]?.certificate;
    for (const b of stripped.index.backups) delete b.headerSignature;
    await refuse(await rebuildV2(stripped), /holds no certificate for card/);
    // ... and a vault that knows the card refuses it against the certificate it keeps.
    const part = await freshFactory().open();
    const again = v2card(4);
    await store(part, again.next('full'));
    const withCert = await readV2(await rebuildV2(forged));
    withCert.index.cards[0] = { ...(withCert.index.cards[0] as (typeof withCert.index.cards)[number]), certificate: hexOf(v2card(8).certificate as Uint8Array) };
    const e = await refuse(await rebuildV2(withCert), /does not verify|certificate is for card/, part);
    expect(['BAD_FILE', 'CONFLICT']).toContain(e.code);
    // A page map pointing a page at another backup's pages: the signed header's page map disagrees.
    const map = await readV2(file);
    const m4 = map.maps[3];
    if (!m4) throw new Error('no map');
    const moved = m4.seqs.findIndex((s) => s === 1);
    m4.seqs[moved] = 2;
    await refuse(await rebuildV2(map), /page map hashes to|kind differs|does not hold it/);
    // A wrapped key moved to another epoch.
    const key = await readV2(file);
    const b2 = key.index.backups[1];
    if (!b2) throw new Error('no backup');
    const k = fromHex(b2.wrappedKey);
    k[10] = (k[10] as number) ^ 1; // epoch's low byte
    b2.wrappedKey = hexOf(k);
    await refuse(await rebuildV2(key), `not a usable vault export: card ${card.cardNumber} seq 2: wrapped key is for card ${card.cardNumber} epoch 0, header for card ${card.cardNumber} epoch 1`);
    // A wrapped key altered in its sealed bytes: well-formed, same card and epoch, but not what the card signed.
    const sealed = await readV2(file);
    const b3 = sealed.index.backups[2];
    if (!b3) throw new Error('no backup');
    const k3 = fromHex(b3.wrappedKey);
    k3[60] = (k3[60] as number) ^ 1;
    b3.wrappedKey = hexOf(k3);
    await refuse(await rebuildV2(sealed), `not a usable vault export: card ${card.cardNumber} seq 3: the header's card signature does not verify: the header or the wrapped key is not the one the card made`);
    for (const x of [v, w, fresh, part]) x.close();
  });
});
