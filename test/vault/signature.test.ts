/** Card-signed headers (protocol version 2): commit, verify and import check every header against the card's certificate. */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { headerHash } from '../../src/protocol/backup-format.ts';
import { concat } from '../../src/protocol/bytes.ts';
import { encodeCardCertificate, signHeader, signingPublicKey } from '../../src/protocol/trust/index.ts';
import type { Vault } from '../../src/vault/index.ts';
import { CardModel, Rng, type ModelBackup } from './card-model.ts';
import { dump, freshFactory, hexOf, refused } from './setup.ts';

function signedCard(seed: number) {
  const card = new CardModel({ seed });
  const rng = new Rng(seed + 100);
  const secret = rng.bytes(32);
  const certificate = encodeCardCertificate({
    issuer: card.issuer,
    epoch: card.epoch,
    cardNumber: card.cardNumber,
    signingPublicKey: signingPublicKey(secret),
    kemPublicKey: rng.bytes(32),
    signature: rng.bytes(64), // the issuer's: the host checks it, the vault keeps the certificate as handed
  });
  const store = async (v: Vault, b: ModelBackup) => {
    await v.commitBackup({ ...b.input, headerSignature: signHeader(secret, b.input.header), cardCertificate: certificate });
    await v.confirmBackup(b.card, b.seq);
  };
  return { card, secret, certificate, store };
}

describe('card-signed headers', () => {
  it('commit keeps the certificate and signature; an unsigned or forged header of a signing card is refused', async () => {
    const v = await freshFactory().open();
    const s = signedCard(1);
    await s.store(v, s.card.next('full'));
    expect((await v.getCard(s.card.cardNumber))?.certificate).toEqual(s.certificate);
    const b = s.card.backup('diff', 3);
    expect(await refused(v.commitBackup(b.input))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('the header carries no card signature') });
    const other = signHeader(new Rng(9).bytes(32), b.input.header);
    expect(await refused(v.commitBackup({ ...b.input, headerSignature: other }))).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringContaining('does not verify') });
    await v.commitBackup({ ...b.input, headerSignature: signHeader(s.secret, b.input.header) });
    expect(await v.verify()).toEqual([]);
    v.close();
  });

  it('verify finds a header altered with its hash recomputed', async () => {
    const v = await freshFactory().open();
    const s = signedCard(2);
    await s.store(v, s.card.next('full'));
    await s.store(v, s.card.next('diff', 2));
    const row = await v.db.get('backups', [s.card.cardNumber, 2]);
    if (!row) throw new Error('no row');
    row.header[30] = (row.header[30] as number) ^ 1;
    await v.db.put('backups', { ...row, headerHash: hexOf(headerHash(row.header)) });
    const f = await v.verify();
    expect(f.map((x) => [x.seq, x.code])).toContainEqual([2, 'HEADER_SIGNATURE']);
    v.close();
  });

  it('export and import carry certificate and signatures; a forged newest header with its hashes recomputed is refused', async () => {
    const v = await freshFactory().open();
    const s = signedCard(3);
    await s.store(v, s.card.next('full'));
    for (let i = 0; i < 3; i++) await s.store(v, s.card.next('diff', 2));
    const file = await v.exportFile();
    const w = await freshFactory().open();
    await w.importFile(file);
    expect((await w.getCard(s.card.cardNumber))?.certificate).toEqual(s.certificate);
    expect(await w.verify()).toEqual([]);

    const n = new DataView(file.buffer, file.byteOffset).getUint32(12);
    const json = new TextDecoder().decode(file.subarray(16, 16 + n));
    type Index = { cards: { certificate?: string }[]; backups: { seq: number; header: string; headerHash: string; headerSignature?: string }[] };
    const rebuilt = (i: Index) => {
      const bytes = new TextEncoder().encode(JSON.stringify(i));
      const head = file.slice(0, 16);
      new DataView(head.buffer).setUint32(12, bytes.length);
      const body = concat(head, bytes, file.subarray(16 + n, file.length - 32));
      return concat(body, sha256(body));
    };
    const forged = JSON.parse(json) as Index;
    const newest = forged.backups[forged.backups.length - 1] as Index['backups'][number];
    const h = Uint8Array.from((newest.header.match(/../g) ?? []).map((x) => parseInt(x, 16)));
    h[30] = (h[30] as number) ^ 1; // a byte of the date
    newest.header = hexOf(h);
    newest.headerHash = hexOf(headerHash(h));
    const fresh = await freshFactory().open();
    expect(await refused(fresh.importFile(rebuilt(forged)))).toMatchObject({ code: 'BAD_FILE', message: `not a usable vault export: card ${s.card.cardNumber} seq 4: the header's card signature does not verify: the header is not the one the card made` });
    // The same forgery with the certificate left out of the file: the vault that knows the card still refuses it.
    const stripped = JSON.parse(JSON.stringify(forged)) as Index;
    delete stripped.cards[0]?.certificate;
    for (const b of stripped.backups) delete b.headerSignature;
    const part = await freshFactory().open();
    const partial = new CardModel({ seed: 3 });
    const again = signedCard(3);
    await again.store(part, partial.next('full'));
    const before = await dump(part);
    expect(await refused(part.importFile(rebuilt(stripped)))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('the header carries no card signature') });
    expect(await dump(part)).toEqual(before);
    for (const x of [v, w, fresh, part]) x.close();
  });
});
