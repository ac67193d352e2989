import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { preparedQuery } from '../../issuer/db/pglite-prepared.ts';

// The issuer's PGlite statements go through named prepared statements with binary bytea
// parameters (issuer/db/pglite-prepared.ts): they must answer exactly as PGlite's own
// `query` does, fail as it does, and never run inside another caller's transaction.
describe('PGlite prepared statements', () => {
  let pg: PGlite;
  let query: ReturnType<typeof preparedQuery>;
  beforeAll(async () => {
    pg = await PGlite.create();
    query = preparedQuery(pg, 4);
    await pg.exec('CREATE TABLE t (id integer PRIMARY KEY, b bytea, n bigint, s text, at timestamptz DEFAULT now(), ok boolean)');
  });
  afterAll(async () => {
    await pg.close();
  });

  const select = 'SELECT $1::bytea AS b, $2::bigint AS n, $3::text AS s, $4::integer AS i, $5::boolean AS ok, NULL::text AS z, ARRAY[$4::integer, 2] AS a';

  it('answers as PGlite query does, for every type the service uses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: -1e12, max: 1e12 }), fc.string(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.boolean(), async (b, n, s, i, ok) => {
        const params = [b, n, s.replace(/\0/g, ''), i, ok];
        expect(await query(select, params)).toEqual((await pg.query(select, params)).rows);
      }),
      { numRuns: 40 },
    );
  });

  it('stores and reads back bytea, nulls and defaults; RETURNING and row counts as query', async () => {
    const bytes = Uint8Array.from({ length: 42_280 }, (_, k) => (k * 7) & 255);
    expect(await query('INSERT INTO t (id, b, n, s) VALUES ($1, $2, $3, $4) RETURNING id, b', [1, bytes, null, 'x'])).toEqual([{ id: 1, b: bytes }]);
    expect(await query('INSERT INTO t (id, b) VALUES ($1, $2)', [2, null])).toEqual([]);
    const rows = await query('SELECT id, b, n, s, at, ok FROM t ORDER BY id');
    expect(rows).toEqual((await pg.query('SELECT id, b, n, s, at, ok FROM t ORDER BY id')).rows);
    expect(rows[0]?.['at']).toBeInstanceOf(Date);
  });

  it('refuses as query does (a constraint, bad SQL, the wrong number of parameters), and goes on working', async () => {
    const query = preparedQuery(pg); // its own, far from its bound of texts
    await expect(query('INSERT INTO t (id) VALUES ($1)', [1])).rejects.toThrow(/duplicate key/);
    await expect(query('SELEC 1')).rejects.toThrow(/syntax error/);
    await expect(query('SELECT $1::integer AS v', [])).rejects.toThrow(/1 parameters, 0 given/);
    expect(await query('SELECT $1::integer AS v', [5])).toEqual([{ v: 5 }]);
  });

  it('keeps working past its bound of statement texts, and shares one Parse between callers of a new text', async () => {
    for (let k = 0; k < 10; k++) expect(await query(`SELECT $1::integer + ${k} AS v`, [1])).toEqual([{ v: 1 + k }]);
    const again = await Promise.all([1, 2, 3].map((v) => query('SELECT $1::integer * 2 AS v', [v])));
    expect(again).toEqual([[{ v: 2 }], [{ v: 4 }], [{ v: 6 }]]);
  });

  it('waits for a transaction in progress instead of running inside it', async () => {
    let release!: () => void;
    let opened!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const open = new Promise<void>((r) => (opened = r));
    const tx = pg.transaction(async (t) => {
      await t.query('INSERT INTO t (id) VALUES (10)');
      opened();
      await held;
      await t.rollback();
    });
    await open;
    // Sent while the transaction is open: it must see the state after the rollback.
    const seen = query('SELECT count(*)::integer AS c FROM t WHERE id = 10');
    await new Promise((r) => setImmediate(r));
    release();
    await tx;
    expect(await seen).toEqual([{ c: 0 }]);
  });
});
