import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ZERO_HASH } from '../../src/protocol/backup-format.ts';
import type { Queryable } from '../../issuer/db/db.ts';
import { ensureCard } from '../../issuer/store/cards.ts';
import { UploadBatcher, type ReadyUpload } from '../../issuer/store/upload-batch.ts';
import { openWorld, type Driver, type World } from './support/world.ts';

// Group commit (issuer/store/upload-batch.ts): uploads of other cards arriving while a
// statement runs go together in the next one; each is stored or not on its own merits,
// one card is never in two running statements, and a statement that fails as a whole
// (one bad row) is retried upload by upload so the others still land.

describe.each<Driver>(['pglite', 'pg'])('upload batches on %s', (driver) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(driver);
  });
  afterAll(async () => {
    await w?.close();
  });

  /** The service's database, counting the upload statements sent through it; `sent`
   *  runs as each upload statement is sent (before it has run). */
  function counted(sent?: () => void) {
    const sizes: number[] = [];
    const q: Queryable = {
      query: (sql, params) => {
        if (sql.includes('INSERT INTO backups')) {
          sizes.push(((params?.length ?? 1) - 1) / 10);
          sent?.();
        }
        return w.db.query(sql, params);
      },
      exec: (sql) => w.db.exec(sql),
    };
    return { q, sizes };
  }

  async function cards(n: number) {
    return Promise.all(Array.from({ length: n }, async () => (await ensureCard(w.db, w.authority, w.newCard().certificate)).identity.cardNumber));
  }

  const first = (cardNumber: string, over: Partial<ReadyUpload> = {}): ReadyUpload => {
    const bytes = randomBytes(100);
    return { cardNumber, prevHash: ZERO_HASH, seq: 1, headerHash: randomBytes(32), size: bytes.length, baseSeq: 0, blobHash: sha256(bytes), bytes, kind: 'full', date: 1, ...over };
  };

  async function heads(numbers: string[]) {
    const rows = await w.db.query('SELECT card_number, seq FROM chain_heads WHERE card_number = ANY($1::text[])', [numbers]);
    return Object.fromEntries(rows.map((r) => [r['card_number'], Number(r['seq'])]));
  }

  it('sends the uploads of one turn of the event loop together, and those that came while it ran in the next, each stored', async () => {
    const numbers = await cards(12);
    const early = numbers.slice(0, 4);
    const late = numbers.slice(4);
    let later: Promise<boolean[]> | undefined;
    // The late uploads arrive while the first statement is running (one at a time here).
    const { q, sizes } = counted(() => {
      later ??= Promise.all(late.map((n) => b.store(first(n))));
    });
    const b = new UploadBatcher(q, 1e9, 1, 32);
    const stored = await Promise.all(early.map((n) => b.store(first(n))));
    expect(stored).toEqual(early.map(() => true));
    expect(await later).toEqual(late.map(() => true));
    expect(sizes).toEqual([4, 8]);
    expect(Object.values(await heads(numbers))).toEqual(numbers.map(() => 1));
  });

  it('sends one upload alone when no other comes in its turn', async () => {
    const [n] = await cards(1);
    const { q, sizes } = counted();
    const b = new UploadBatcher(q, 1e9, 4, 32);
    expect(await b.store(first(n as string))).toBe(true);
    expect(sizes).toEqual([1]);
  });

  it('keeps one card out of two running statements: of two next backups of one card the first wins', async () => {
    const [a, other] = await cards(2);
    if (!a || !other) throw new Error('no cards');
    const { q, sizes } = counted();
    const b = new UploadBatcher(q, 1e9, 4, 32);
    const stored = await Promise.all([b.store(first(a)), b.store(first(a)), b.store(first(other))]);
    expect(stored).toEqual([true, false, true]);
    // a's two uploads never shared a statement, though four could run at once.
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(3);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(await heads([a, other])).toEqual({ [a]: 1, [other]: 1 });
  });

  it('moves no head whose upload fails its checks, and still stores the rest of the statement', async () => {
    const numbers = await cards(4);
    const [stale, quota, ...fine] = numbers;
    if (!stale || !quota) throw new Error('no cards');
    const { q } = counted();
    const b = new UploadBatcher(q, 1000, 1, 32);
    const stored = await Promise.all([
      b.store(first(fine[0] as string)),
      b.store(first(stale, { prevHash: randomBytes(32) })), // not the head
      b.store(first(quota, { size: 5000 })), // over the quota
      b.store(first(fine[1] as string)),
    ]);
    expect(stored).toEqual([true, false, false, true]);
    expect(await heads(numbers)).toEqual({ [stale]: 0, [quota]: 0, [fine[0] as string]: 1, [fine[1] as string]: 1 });
  });

  it('retries upload by upload when the statement fails as a whole: only the bad one is refused', async () => {
    const numbers = await cards(4);
    const { q, sizes } = counted();
    const b = new UploadBatcher(q, 1e9, 1, 32);
    const all = numbers.map((n, i) => b.store(first(n, i === 2 ? { kind: 'bogus' as 'full' } : {})));
    const settled = await Promise.allSettled(all);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)).toEqual([true, true, true]);
    expect(sizes).toEqual([4, 1, 1, 1, 1]);
    const h = await heads(numbers);
    expect(numbers.map((n) => h[n])).toEqual([1, 1, 0, 1]);
  });
});
