import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/protocol/bytes.ts';
import type { Vault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { readV2, rebuildV2 } from './export-file.ts';
import { exportV1 } from './export-v1.ts';
import { dump, freshFactory, refused, store } from './setup.ts';

async function populated(): Promise<{ v: Vault; a: CardModel; b: CardModel }> {
  const v = await freshFactory().open();
  const a = new CardModel({ seed: 3 });
  const b = new CardModel({ seed: 4, cardNumber: '5555666677778888', memorySize: 2048, pageSize: 32 });
  await store(v, a.next('full'));
  for (let i = 0; i < 6; i++) await store(v, a.next('diff', 3));
  await v.deleteBackups(a.cardNumber, [2, 3]);
  await v.commitBackup(a.backup('diff', 2).input); // seq 8, not yet acknowledged
  await store(v, b.next('full'));
  await store(v, b.next('diff', 5));
  return { v, a, b };
}

/** The same file with a new digest, as a careless or malicious editor would leave it. */
const resealed = (f: Uint8Array) => {
  const body = f.subarray(0, f.length - 32);
  return concat(body, sha256(body));
};

describe('export and import', () => {
  it('round-trips the whole vault: backups, manifests, pages, tombstones, unconfirmed state', async () => {
    const { v, a, b } = await populated();
    const file = await v.exportFile();
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('ICVAULT1');
    const w = await freshFactory().open();
    // packs: 6 of card a's held backups, 2 of its deleted ones whose pages later points use, 2 of card b
    expect(await w.importFile(file)).toEqual({ cards: 2, added: 8, alreadyHeld: 0, tombstones: 2, packs: 10 });
    const { packs: wp, ...wRest } = await dump(w);
    const { packs: vp, ...vRest } = await dump(v);
    expect(wRest).toEqual(vRest);
    // held backups' packs come back whole; a deleted backup's pack holds the pages points still use
    expect(wp?.length).toBe(vp?.length);
    expect(await w.verify()).toEqual([]);
    for (const [model, seqs] of [
      [a, [1, 4, 5, 6, 7, 8]],
      [b, [1, 2]],
    ] as const)
      for (const seq of seqs) expect(await w.restorePlan(model.cardNumber, seq, 'compacted')).toEqual(await v.restorePlan(model.cardNumber, seq, 'compacted'));
    v.close();
    w.close();
  });

  it('a pack the vault lost, needed only by backups it holds, is not brought back by an import (as before the packs were put first)', async () => {
    const v = await freshFactory().open();
    const card = new CardModel({ seed: 4 });
    await store(v, card.next('full'));
    await store(v, card.next('diff', 3));
    const file = await v.exportFile();
    await v.db.delete('packs', [card.cardNumber, 2]); // damage: the pack of seq 2 is gone
    const damaged = await dump(v);
    expect(await v.importFile(file)).toMatchObject({ added: 0, alreadyHeld: 2, packs: 0 });
    expect(await dump(v)).toEqual(damaged);
    expect((await v.verify()).map((f) => f.code)).toContain('PACK_MISSING');
    v.close();
  });

  it('merges into a vault holding part of the chain, without duplicates; importing twice changes nothing', async () => {
    const { v, a } = await populated();
    const w = await freshFactory().open();
    const partial = new CardModel({ seed: 3 });
    await store(w, partial.next('full'));
    for (let i = 0; i < 3; i++) await store(w, partial.next('diff', 3));
    const file = await v.exportFile({ card: a.cardNumber });
    const r = await w.importFile(file);
    expect(r).toMatchObject({ cards: 1, alreadyHeld: 2, tombstones: 0 });
    const vRows = (await v.timeline(a.cardNumber)).map((e) => e.seq);
    // seqs 2 and 3 were deleted in v but are held in w: the merge keeps them
    expect((await w.timeline(a.cardNumber)).map((e) => e.seq)).toEqual([...vRows.slice(0, -1), 3, 2, 1]);
    const once = await dump(w);
    expect(await w.importFile(file)).toMatchObject({ added: 0 });
    expect(await dump(w)).toEqual(once);
    expect(await w.verify()).toEqual([]);
    v.close();
    w.close();
  });

  it('refuses truncated files at every length it is cut to, and leaves the vault unchanged', async () => {
    const { v } = await populated();
    const file = await v.exportFile();
    const before = await dump(v);
    const cuts = [0, 1, 8, 15, 16, 17, file.length - 33, file.length - 32, file.length - 1];
    for (let n = 20; n < file.length; n += 131) cuts.push(n);
    for (const n of cuts) {
      const e = await refused(v.importFile(file.subarray(0, n)));
      expect(e.code).toBe('BAD_FILE');
      expect(e.message).toMatch(/truncated at byte|not valid JSON/);
    }
    expect(await refused(v.importFile(concat(file, Uint8Array.of(0))))).toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('unexpected bytes') });
    expect(await dump(v)).toEqual(before);
    v.close();
  });

  it('refuses a single flipped byte anywhere, and leaves the vault unchanged', async () => {
    const { v, a } = await populated();
    const file = await v.exportFile({ card: a.cardNumber });
    const before = await dump(v);
    const offsets = new Set<number>([...Array(24).keys(), ...Array.from({ length: 40 }, (_, i) => file.length - 1 - i)]);
    for (let o = 0; o < file.length; o += 13) offsets.add(o);
    for (const o of offsets) {
      const bad = file.slice();
      bad[o] = (bad[o] as number) ^ (1 << (o % 8));
      expect((await refused(v.importFile(bad))).code, `flip at byte ${o}`).toBe('BAD_FILE');
    }
    expect(await dump(v)).toEqual(before);
    v.close();
  });

  it('names what is wrong in a version-1 file: wrong version, an altered blob, an altered header', async () => {
    const { v, a } = await populated();
    const file = await exportV1(v.db, { card: a.cardNumber });
    const w = await freshFactory().open();
    const v3 = file.slice();
    v3[9] = 3;
    expect((await refused(w.importFile(resealed(v3)))).message).toContain('unsupported version 3 (this app reads versions 1 and 2)');

    const indexEnd = 16 + new DataView(file.buffer, file.byteOffset).getUint32(12);
    const blobFlip = file.slice();
    blobFlip[indexEnd + 5] = (blobFlip[indexEnd + 5] as number) ^ 1;
    expect((await refused(w.importFile(resealed(blobFlip)))).message).toMatch(/blob [0-9a-f]{8}… of card 1234567890123456 seq 1 page 0: hash mismatch/);

    const json = new TextDecoder().decode(file.subarray(16, indexEnd));
    const index = JSON.parse(json) as { backups: { seq: number; header: string }[] };
    const target = index.backups.find((b) => b.seq === 5);
    if (!target) throw new Error('no seq 5');
    const last = target.header.slice(-2) === '00' ? '01' : '00';
    const alteredJson = json.replace(target.header, target.header.slice(0, -2) + last);
    const rebuilt = (j: string) => {
      const bytes = new TextEncoder().encode(j);
      const head = file.slice(0, 16);
      new DataView(head.buffer).setUint32(12, bytes.length);
      return resealed(concat(head, bytes, file.subarray(indexEnd)));
    };
    expect((await refused(w.importFile(rebuilt(alteredJson)))).message).toContain('card 1234567890123456 seq 5: header hashes to');
    expect((await refused(w.importFile(rebuilt(json.replace('"icvault-export"', '"something-else"'))))).code).toBe('BAD_FILE');
    expect(await dump(w)).toEqual({ cards: [], backups: [], manifests: [], uses: [], packs: [], tombstones: [], strayPackHashes: [] });
    // The unaltered version-1 file still imports whole.
    await w.importFile(file);
    expect(await w.verify()).toEqual([]);
    expect((await w.timeline(a.cardNumber)).map((e) => e.seq)).toEqual((await v.timeline(a.cardNumber)).map((e) => e.seq));
    v.close();
    w.close();
  });

  it('names what is wrong in a version-2 file: an altered pack, an altered header, a pack listed twice or used by nothing', async () => {
    const { v, a } = await populated();
    const file = await v.exportFile({ card: a.cardNumber });
    expect(new DataView(file.buffer, file.byteOffset).getUint16(8)).toBe(2);
    const w = await freshFactory().open();
    const parts = await readV2(file);
    // A pack's bytes altered, the file's digest recomputed but not the pack's hash.
    const flipped = file.slice();
    flipped[file.length - 40] = (flipped[file.length - 40] as number) ^ 1;
    expect((await refused(w.importFile(resealed(flipped)))).message).toMatch(/the pages of card 1234567890123456 seq 8 hash to [0-9a-f]{8}…, the file says/);
    const header = await readV2(file);
    const target = header.index.backups.find((b) => b.seq === 5);
    if (!target) throw new Error('no seq 5');
    target.header = target.header.slice(0, -2) + (target.header.slice(-2) === '00' ? '01' : '00');
    expect((await refused(w.importFile(await rebuildV2(header)))).message).toContain('card 1234567890123456 seq 5: header hashes to');
    const twice = await readV2(file);
    twice.packs.push(twice.packs[0] as (typeof twice.packs)[number]);
    expect((await refused(w.importFile(await rebuildV2(twice)))).message).toBe('not a usable vault export: pack of card 1234567890123456 seq 1 is listed twice');
    const extra = await readV2(file);
    extra.packs.push({ ...(extra.packs[0] as (typeof extra.packs)[number]), seq: 99 });
    expect((await refused(w.importFile(await rebuildV2(extra)))).message).toBe('not a usable vault export: the pages of card 1234567890123456 seq 99 are used by no point');
    const noMap = await readV2(file);
    noMap.maps.pop();
    expect((await refused(w.importFile(await rebuildV2(noMap)))).message).toContain('its page map is missing');
    expect(await dump(w)).toEqual({ cards: [], backups: [], manifests: [], uses: [], packs: [], tombstones: [], strayPackHashes: [] });
    await w.importFile(await rebuildV2(parts));
    expect(await w.verify()).toEqual([]);
    v.close();
    w.close();
  });

  it('a version-2 file refused for disagreeing with the vault (CONFLICT, its packs already put) leaves the vault unchanged', async () => {
    const src = await freshFactory().open();
    const a = new CardModel({ seed: 21, version: 2 });
    await store(src, a.next('full'));
    for (let i = 0; i < 3; i++) await store(src, a.next('diff', 2));
    const w = await freshFactory().open();
    // Another history under the same card number and certificate: seq 1 differs, seqs 2-4 (and their packs) are new.
    const twin = new CardModel({ seed: 21, version: 2 });
    twin.rng.next();
    await store(w, twin.next('full'));
    const before = await dump(w);
    const e = await refused(w.importFile(await src.exportFile()));
    expect(e).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('seq 1: the vault holds a different backup') });
    expect(await dump(w)).toEqual(before);
    src.close();
    w.close();
  });

  it('refuses a file whose backups disagree with what the vault holds', async () => {
    const { v, a } = await populated();
    // another vault saw a different seq 1 for the same card number (another card history)
    const w = await freshFactory().open();
    const impostor = new CardModel({ seed: 99 });
    await store(w, impostor.next('full'));
    const before = await dump(w);
    const e = await refused(w.importFile(await v.exportFile({ card: a.cardNumber })));
    expect(e).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('seq 1: the vault holds a different backup') });
    expect(await dump(w)).toEqual(before);
    v.close();
    w.close();
  });
});
