import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssuerClient } from '../../src/host/issuer-client.ts';
import { CopyMarks } from '../../src/ui/services/issuer-marks.ts';
import { IssuerSync, type LocalCopies } from '../../src/ui/services/issuer-sync.ts';
import type { IssuerSyncState } from '../../src/ui/model.ts';
import { openWorld, type World } from '../issuer/support/world.ts';
import { makeBackup } from '../issuer/support/backups.ts';
import type { TestCard } from '../issuer/support/test-authority.ts';
import { splitBackupData } from '../../src/protocol/trust/backup-data.ts';
import { decodeHeader } from '../../src/protocol/backup-format.ts';

// The app's off-device copy against the real service (PGlite): uploads in chain order,
// marks that survive a reload, an unreachable issuer leaves the backup here and a later
// chance uploads it, registration shows the recovery code once, an empty vault fills.

/** A browser's copies in memory (the vault in the app), keyed by card and seq. */
function memoryCopies(): LocalCopies & { held: Map<string, Uint8Array>; certificates: Map<string, Uint8Array>; put(bytes: Uint8Array): Promise<void> } {
  const held = new Map<string, Uint8Array>();
  const certificates = new Map<string, Uint8Array>();
  const put = async (bytes: Uint8Array) => {
    const p = splitBackupData(bytes);
    if (!p.ok) throw new Error(p.error.message);
    const h = decodeHeader(p.value.header);
    if (!h.ok) throw new Error(h.error.message);
    held.set(`${h.value.cardNumber}:${h.value.seq}`, bytes);
  };
  return {
    held,
    certificates,
    put,
    seqs: async (card) =>
      [...held.keys()]
        .filter((k) => k.startsWith(card + ':'))
        .map((k) => Number(k.split(':')[1]))
        .sort((a, b) => a - b),
    bytes: async (card, seq) => {
      const b = held.get(`${card}:${seq}`);
      if (!b) throw new Error(`no ${card}:${seq}`);
      return b;
    },
    store: async (bytes, certificate) => {
      await put(bytes);
      const h = decodeHeader((splitBackupData(bytes) as { value: { header: Uint8Array } }).value.header);
      if (h.ok) certificates.set(h.value.cardNumber, certificate);
    },
  };
}

describe('the off-device copy (app side)', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld('pglite');
  });
  afterAll(async () => {
    await w?.close();
  });

  const proof = (card: TestCard) => async () => ({ certificate: card.certificate, sign: async (c: Uint8Array) => card.signChallenge(c) });
  const noWait = { sleep: async () => undefined };
  let dbs = 0;

  function chain(card: TestCard, n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let prev: Uint8Array | undefined;
    for (let seq = 1; seq <= n; seq++) {
      const b = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq, kind: seq === 1 ? 'full' : 'diff', ...(prev ? { prev } : {}) });
      out.push(card.frame(b.header, b.records));
      prev = b.hash;
    }
    return out;
  }

  it('uploads each backup in chain order; the places survive a reload', async () => {
    const card = w.newCard();
    const name = `marks-${++dbs}`;
    const local = memoryCopies();
    const sync = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(name), local, proofFor: proof(card), queue: noWait });
    const [b1, b2] = chain(card, 2);
    await local.put(b1 as Uint8Array);
    expect(sync.place(card.cardNumber, 1, true)).toBe('device');
    await sync.push(card.cardNumber);
    await local.put(b2 as Uint8Array);
    await sync.push(card.cardNumber);
    expect([sync.place(card.cardNumber, 1, true), sync.place(card.cardNumber, 2, true)]).toEqual(['both', 'both']);
    expect(sync.state).toEqual({ kind: 'idle' });
    // Cleaned up on this device, still at the issuer: the timeline can list it from the marks.
    expect(sync.issuerOnly(card.cardNumber, new Set([2]))).toEqual([expect.objectContaining({ cardNumber: card.cardNumber, seq: 1, kind: 'full', size: (b1 as Uint8Array).length })]);
    expect(sync.place(card.cardNumber, 1, false)).toBe('issuer');

    const s = await new IssuerClient(w.issuer.url).login(await proof(card)());
    expect((await new IssuerClient(w.issuer.url).listBackups(s)).backups.map((b) => b.seq)).toEqual([1, 2]);

    // A reload: the marks come back from IndexedDB.
    const again = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(name), local, proofFor: proof(card), queue: noWait });
    expect(again.place(card.cardNumber, 2, true)).toBe('both');
    expect(again.place(card.cardNumber, 3, true)).toBe('device');
  });

  it('an unreachable issuer leaves the backup on this device, and a later chance uploads it', async () => {
    const card = w.newCard();
    const name = `marks-${++dbs}`;
    const local = memoryCopies();
    const [b1] = chain(card, 1);
    await local.put(b1 as Uint8Array);
    const offline = new IssuerSync({ client: new IssuerClient('http://127.0.0.1:9'), marks: await CopyMarks.open(name), local, proofFor: proof(card), queue: noWait });
    const states: IssuerSyncState[] = [];
    offline.onChange((s) => states.push(s));
    await offline.push(card.cardNumber);
    expect(offline.state).toMatchObject({ kind: 'offline', message: expect.stringContaining('could not be reached') });
    expect(states.map((s) => s.kind)).toEqual(['uploading', 'offline']);
    expect(offline.place(card.cardNumber, 1, true)).toBe('device');
    expect(local.held.size).toBe(1);

    // After a reload, with the issuer back: the backup without a mark goes up.
    const back = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(name), local, proofFor: proof(card), queue: noWait });
    await back.push(card.cardNumber);
    expect(back.place(card.cardNumber, 1, true)).toBe('both');
  });

  it('while the issuer stays unreachable, the sync tries again by itself, waiting longer each time', async () => {
    const card = w.newCard();
    const local = memoryCopies();
    const [b1] = chain(card, 1);
    await local.put(b1 as Uint8Array);
    let down = true;
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('network down')) : fetch(input, init));
    const waiting: { fn: () => Promise<void>; ms: number; cleared: boolean }[] = [];
    const timer = {
      set: (fn: () => Promise<void>, ms: number) => {
        const t = { fn, ms, cleared: false };
        waiting.push(t);
        return t;
      },
      clear: (h: unknown) => {
        (h as { cleared: boolean }).cleared = true;
      },
    };
    const sync = new IssuerSync({ client: new IssuerClient(w.issuer.url, flaky), marks: await CopyMarks.open(`marks-${++dbs}`), local, proofFor: proof(card), queue: noWait, timer, retryMs: 1000, maxRetryMs: 3000 });
    await sync.push(card.cardNumber);
    expect(sync.state.kind).toBe('offline');
    const run = async () => {
      const next = waiting.filter((t) => !t.cleared).at(-1);
      if (!next) throw new Error('no retry is waiting');
      next.cleared = true;
      await next.fn();
    };
    await run();
    await run();
    expect(waiting.map((t) => t.ms)).toEqual([1000, 2000, 3000]);
    expect(sync.place(card.cardNumber, 1, true)).toBe('device');
    down = false;
    await run();
    expect(sync.state).toEqual({ kind: 'idle' });
    expect(sync.place(card.cardNumber, 1, true)).toBe('both');
    expect(waiting.filter((t) => !t.cleared)).toEqual([]);
  });

  it('a failure on this device (the vault unreadable) is named, never thrown into the background', async () => {
    const card = w.newCard();
    const broken: LocalCopies = {
      seqs: async () => {
        throw new Error('the vault could not be opened');
      },
      bytes: async () => new Uint8Array(0),
      store: async () => undefined,
    };
    const sync = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(`marks-${++dbs}`), local: broken, proofFor: proof(card), queue: noWait });
    await expect(sync.push(card.cardNumber)).resolves.toBeUndefined();
    expect(sync.state).toEqual({ kind: 'refused', code: 'LOCAL', message: 'the vault could not be opened' });
  });

  it('a refused backup is named and not marked', async () => {
    const card = w.newCard();
    const local = memoryCopies();
    const b = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 1 });
    local.held.set(`${card.cardNumber}:1`, card.frame(b.header, b.records, () => new Uint8Array(64)));
    const sync = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(`marks-${++dbs}`), local, proofFor: proof(card), queue: noWait });
    await sync.push(card.cardNumber);
    expect(sync.state).toMatchObject({ kind: 'refused', code: 'BAD_SIGNATURE' });
    expect(sync.place(card.cardNumber, 1, true)).toBe('device');
  });

  it('registers once (the recovery code shown once), and an empty vault fills from the issuer', async () => {
    const card = w.newCard();
    const laptop = memoryCopies();
    const sync = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(`marks-${++dbs}`), local: laptop, proofFor: proof(card), queue: noWait });
    const first = await sync.link(card.cardNumber);
    expect(first.recoveryCode).toMatch(/\S{8,}/);
    const bodies = chain(card, 3);
    for (const b of bodies) await laptop.put(b);
    await sync.push(card.cardNumber);
    expect((await sync.link(card.cardNumber)).recoveryCode).toBeNull();

    // A new laptop: empty vault, empty marks. The card proves itself; the chain comes down.
    const fresh = memoryCopies();
    const newLaptop = new IssuerSync({ client: new IssuerClient(w.issuer.url), marks: await CopyMarks.open(`marks-${++dbs}`), local: fresh, proofFor: proof(card), queue: noWait });
    expect(newLaptop.place(card.cardNumber, 3, false)).toBe('issuer');
    const r = await newLaptop.link(card.cardNumber);
    expect(r).toEqual({ recoveryCode: null, filled: 3, replaces: null });
    expect(await fresh.seqs(card.cardNumber)).toEqual([1, 2, 3]);
    expect(await fresh.bytes(card.cardNumber, 3)).toEqual(bodies[2]);
    // Stored with the certificate of the card that made them (the vault checks the signatures with it).
    expect(fresh.certificates.get(card.cardNumber)).toEqual(card.certificate);
    expect(newLaptop.place(card.cardNumber, 3, true)).toBe('both');
    // A device that holds the chain already fetches nothing.
    expect((await newLaptop.link(card.cardNumber)).filled).toBe(0);
  });
});
