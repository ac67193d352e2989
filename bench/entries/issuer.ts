// The issuer service (patent fig. 21): uploads per second and p50/p99 latency of full and
// diff backups at 1, 16 and 64 concurrent clients over loopback HTTP, against the raw
// INSERT rate of the same database in the same run (one transaction per row holding the
// same bytes, same concurrency), on embedded PGlite and on PostgreSQL 15 (a throw-away
// cluster). Bounded: a fixed number of uploads per cell. Signing happens before timing.
import { openPglite } from '../../issuer/db/pglite.ts';
import { openPg } from '../../issuer/db/pg.ts';
import type { Db } from '../../issuer/db/db.ts';
import { startIssuer } from '../../issuer/server.ts';
import { fromHex, hex } from '../../src/protocol/bytes.ts';
import { TestCard, testAuthority } from '../../test/issuer/support/test-authority.ts';
import { makeBackup } from '../../test/issuer/support/backups.ts';
import { startPgCluster } from '../../test/issuer/support/pg-cluster.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const PAGE_SIZE = 64;
const PAGE_COUNT = 512; // a 32 KiB card memory
const DIFF_PAGES = 26; // 5 %
const CLIENTS = [1, 16, 64];
const UPLOADS = 192; // per cell

interface Cell {
  driver: string;
  kind: 'full' | 'diff' | 'raw-full' | 'raw-diff';
  clients: number;
  uploads: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  bytes: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Runs jobs with `clients` workers; per-job latency and the overall rate. */
async function pool(jobs: (() => Promise<void>)[], clients: number) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        const job = jobs[i];
        if (!job) return;
        const s = performance.now();
        await job();
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { perSecond: jobs.length / secs, p50ms: pct(lat, 50), p99ms: pct(lat, 99) };
}

async function benchDriver(driver: 'pglite' | 'pg', db: Db): Promise<Cell[]> {
  const authority = testAuthority();
  const issuer = await startIssuer({ db, authority, config: { perIpPerMinute: 1e9, perCardPerMinute: 1e9, quotaBytes: 1e12, appOrigin: 'http://bench' } });
  const cells: Cell[] = [];
  let serial = 0;
  try {
    await db.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, hash bytea NOT NULL, bytes bytea NOT NULL)');
    for (const clients of CLIENTS) {
      // One card per client (each has its own chain): logins and a first full backup untimed.
      const cards = await Promise.all(
        Array.from({ length: clients }, async () => {
          const card = new TestCard(authority, `6${String(Date.now() % 1e6).padStart(6, '0')}${String(++serial).padStart(9, '0')}`);
          const ch = (await (await fetch(`${issuer.url}/v1/auth/challenge`, { method: 'POST' })).json()) as { challenge: string };
          const r = await fetch(`${issuer.url}/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(card.signChallenge(fromHex(ch.challenge))) }),
          });
          return { card, token: ((await r.json()) as { token: string }).token, seq: 0, head: undefined as Uint8Array | undefined };
        }),
      );
      for (const kind of ['full', 'diff'] as const) {
        // Each card's uploads form a chain, so a card's jobs run in order: one worker per card.
        const perCard = Math.max(1, Math.ceil(UPLOADS / clients));
        const prepared = cards.map((c) =>
          Array.from({ length: perCard + (kind === 'diff' && c.seq === 0 ? 1 : 0) }, () => {
            const isFull = kind === 'full' || c.seq === 0;
            const b = makeBackup({
              issuer: authority.issuerId,
              cardNumber: c.card.cardNumber,
              seq: c.seq + 1,
              ...(c.head ? { prev: c.head } : {}),
              kind: isFull ? 'full' : 'diff',
              ...(isFull ? {} : { baseSeq: c.seq, pages: Array.from({ length: DIFF_PAGES }, (_, i) => i * 19) }),
              pageSize: PAGE_SIZE,
              pageCount: PAGE_COUNT,
            });
            c.seq++;
            c.head = b.hash;
            return { body: c.card.frame(b.header, b.records), untimed: kind === 'diff' && isFull };
          }),
        );
        // Untimed bases first (the diff cell needs a full to build on).
        for (const [i, list] of prepared.entries()) {
          const c = cards[i];
          if (!c) continue;
          while (list[0]?.untimed) {
            const u = list.shift();
            if (u) await fetch(`${issuer.url}/v1/cards/${c.card.cardNumber}/backups`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` }, body: u.body.slice().buffer });
          }
        }
        const bytes = prepared[0]?.[0]?.body.length ?? 0;
        const lat: number[] = [];
        const t0 = performance.now();
        await Promise.all(
          prepared.map(async (list, i) => {
            const c = cards[i];
            if (!c) return;
            for (const u of list) {
              const s = performance.now();
              const r = await fetch(`${issuer.url}/v1/cards/${c.card.cardNumber}/backups`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` }, body: u.body.slice().buffer });
              await r.arrayBuffer();
              if (r.status !== 201) throw new Error(`bench upload refused: ${r.status}`);
              lat.push(performance.now() - s);
            }
          }),
        );
        const n = prepared.reduce((s, l) => s + l.length, 0);
        cells.push({ driver, kind, clients, uploads: n, perSecond: n / ((performance.now() - t0) / 1000), p50ms: pct(lat, 50), p99ms: pct(lat, 99), bytes });
        // The reference: the same bytes as single-row INSERTs, one transaction each.
        const body = prepared[0]?.[0]?.body ?? new Uint8Array(bytes);
        const jobs = Array.from({ length: n }, (_, j) => async () => {
          await db.transaction(async (tx) => {
            await tx.query('INSERT INTO bench_raw (hash, bytes) VALUES ($1, $2)', [Uint8Array.of(j & 255, clients, kind === 'full' ? 1 : 2), body]);
          });
        });
        const raw = await pool(jobs, clients);
        cells.push({ driver, kind: kind === 'full' ? 'raw-full' : 'raw-diff', clients, uploads: n, ...raw, bytes });
      }
    }
  } finally {
    await issuer.close();
  }
  return cells;
}

const entry: BenchEntry = {
  name: 'issuer',
  async run() {
    const cells: Cell[] = [];
    const lite = await openPglite();
    try {
      cells.push(...(await benchDriver('pglite', lite)));
    } finally {
      await lite.close();
    }
    const cluster = await startPgCluster();
    try {
      const pg = await openPg(cluster.url, 70);
      try {
        cells.push(...(await benchDriver('pg', pg)));
      } finally {
        await pg.close();
      }
    } finally {
      await cluster.stop();
    }
    const ratio = (c: Cell) => {
      const raw = cells.find((r) => r.driver === c.driver && r.clients === c.clients && r.kind === `raw-${c.kind}`);
      return raw ? c.perSecond / raw.perSecond : 0;
    };
    const service = cells.filter((c) => c.kind === 'full' || c.kind === 'diff').map((c) => ({ ...c, ofRawInsert: ratio(c) }));
    const rows: BenchRow[] = cells.map((c) => ({ ...c, ...(c.kind === 'full' || c.kind === 'diff' ? { ofRaw: ratio(c) } : {}) }));
    return {
      result: {
        pageSize: PAGE_SIZE,
        pageCount: PAGE_COUNT,
        diffPages: DIFF_PAGES,
        goal: 'service uploads/s >= 0.5 x raw single-row INSERT transactions/s of the same bytes',
        cells: service,
        raw: cells.filter((c) => c.kind.startsWith('raw')),
      },
      rows,
    };
  },
};
export default entry;
