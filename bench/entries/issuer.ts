// The issuer service (patent fig. 21): uploads per second and p50/p99 latency of full and
// diff backups at 1, 16 and 64 concurrent clients over loopback HTTP, against the raw
// INSERT rate of the same database in the same run (one autocommit INSERT per row holding
// the same bytes, same concurrency, same pool), bounded to a fixed number of uploads per cell.
// Fair to both sides: the clients run in a child process of their own (the raw reference
// has no HTTP client in its process either), signing happens before timing, and the
// database runs with the durability the service is deployed with: PGlite in a data
// folder (as `npm run issuer`), PostgreSQL 15 with fsync and synchronous_commit on. The
// same PostgreSQL with fsync off (the tests' throw-away cluster, nothing survives a power
// cut) is measured too, as `pg-fsync-off`: there the database costs only CPU.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from '@noble/hashes/utils.js';
import { openPglite } from '../../issuer/db/pglite.ts';
import { openPg } from '../../issuer/db/pg.ts';
import type { Db } from '../../issuer/db/db.ts';
import { startIssuer } from '../../issuer/server.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { testAuthority } from '../../test/issuer/support/test-authority.ts';
import { startPgCluster } from '../../test/issuer/support/pg-cluster.ts';
import { startHttpFloor } from '../../test/issuer/support/http-floor.ts';
import type { LoadCell, LoadResult } from '../../test/issuer/support/load-client.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const PAGE_SIZE = 64;
const PAGE_COUNT = 512; // a 32 KiB card memory
const DIFF_PAGES = 26; // 5 %
const CLIENTS = [1, 16, 64];
const UPLOADS = 384; // per cell (192 before: a raw diff cell then lasted ~20 ms, too short on a shared machine)
/** Connections of the service's pool and of the raw reference's: the same pool. */
const POOL = 64;
const LOAD_CLIENT = fileURLToPath(new URL('../../test/issuer/support/load-client.ts', import.meta.url));

type Driver = 'pglite' | 'pg' | 'pg-fsync-off' | 'http-floor';

interface Cell {
  driver: Driver;
  kind: 'full' | 'diff' | 'raw-full' | 'raw-diff';
  clients: number;
  uploads: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  bytes: number;
  /** CPU ms per upload: of the service's process (server, and the raw reference's
   *  client), and of the load generator (service cells only). */
  cpuMsPerUpload: number;
  clientCpuMsPerUpload?: number;
  /** CPU ms per upload of the PostgreSQL cluster's processes (pg cells; PGlite runs in
   *  the service's process, so its cells count it in cpuMsPerUpload). */
  dbCpuMsPerUpload?: number;
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

/** The load generator process: one cell per request, answered with its timings. */
function loadClient(url: string, seed: Uint8Array, firstSerial: number) {
  const child: ChildProcess = fork(LOAD_CLIENT, [url, hex(seed), String(firstSerial)], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
  type Reply = { ready?: true; ok?: boolean; prepared?: true; result?: LoadResult; error?: string };
  let waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const e = new Error(`bench load client exited (${code})`);
      reject(e);
      waiting?.reject(e);
    });
    child.on('message', (m: Reply) => {
      if (m.ready) return resolve();
      const w = waiting;
      waiting = undefined;
      if (m.ok) w?.resolve(m);
      else w?.reject(new Error(m.error ?? 'bench load client failed'));
    });
  });
  const ask = (m: LoadCell | { go: true }) =>
    new Promise<Reply>((resolve, reject) => {
      waiting = { resolve, reject };
      child.send(m);
    });
  return {
    ready,
    /** Logins, signing and a diff's base upload: untimed, outside the CPU figures. */
    prepare: async (cell: LoadCell) => {
      await ask(cell);
    },
    run: async () => {
      const r = (await ask({ go: true })).result;
      if (!r) throw new Error('bench load client answered no result');
      return r;
    },
    stop: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}

/** The HTTP floor: the load generator's cells against a server that does nothing. */
async function benchFloor(): Promise<Cell[]> {
  const floor = await startHttpFloor();
  const load = loadClient(floor.url, randomBytes(32), (Date.now() % 1e6) * 1e6 + 5e5);
  const cells: Cell[] = [];
  try {
    await load.ready;
    for (const clients of CLIENTS) {
      for (const kind of ['full', 'diff'] as const) {
        cells.push((await uploadCell(load, 'http-floor', clients, kind)).cell);
      }
    }
  } finally {
    load.stop();
    await floor.close();
  }
  return cells;
}

/**
 * One cell of uploads through `load`, with this process's CPU per upload (the server's,
 * over the timed uploads only: the cell's logins and a diff's base uploads come before)
 * and the load generator's.
 */
async function uploadCell(load: ReturnType<typeof loadClient>, driver: Driver, clients: number, kind: 'full' | 'diff', dbCpuMs?: () => number) {
  await load.prepare({ clients, kind, uploads: UPLOADS, pageSize: PAGE_SIZE, pageCount: PAGE_COUNT, diffPages: DIFF_PAGES });
  const db0 = dbCpuMs?.();
  const cpu = process.cpuUsage();
  const r = await load.run();
  const serverCpu = process.cpuUsage(cpu);
  const db = db0 === undefined || !dbCpuMs ? undefined : (dbCpuMs() - db0) / r.uploads;
  const cell: Cell = {
    driver,
    kind,
    clients,
    uploads: r.uploads,
    perSecond: r.uploads / r.seconds,
    p50ms: pct(r.latencies, 50),
    p99ms: pct(r.latencies, 99),
    bytes: r.sample.length,
    cpuMsPerUpload: (serverCpu.user + serverCpu.system) / 1000 / r.uploads,
    clientCpuMsPerUpload: r.clientCpuMs / r.uploads,
    ...(db === undefined ? {} : { dbCpuMsPerUpload: db }),
  };
  return { cell, r };
}

async function benchDriver(driver: Driver, db: Db, dbCpuMs?: () => number): Promise<Cell[]> {
  const seed = randomBytes(32);
  const authority = testAuthority(seed);
  const issuer = await startIssuer({ db, authority, config: { perIpPerMinute: 1e9, perCardPerMinute: 1e9, quotaBytes: 1e12, appOrigin: 'http://bench' } });
  const load = loadClient(issuer.url, seed, (Date.now() % 1e6) * 1e6);
  const cells: Cell[] = [];
  try {
    await load.ready;
    await db.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, hash bytea NOT NULL, bytes bytea NOT NULL)');
    for (const clients of CLIENTS) {
      for (const kind of ['full', 'diff'] as const) {
        const { cell, r } = await uploadCell(load, driver, clients, kind, dbCpuMs);
        cells.push(cell);
        const bytes = cell.bytes;
        // The reference: the same bytes as single-row INSERTs, each its own transaction in
        // one round trip (autocommit, as the service's upload is one statement; a
        // BEGIN/INSERT/COMMIT reference would take three and flatter the service).
        const jobs = Array.from({ length: r.uploads }, (_, j) => async () => {
          await db.query('INSERT INTO bench_raw (hash, bytes) VALUES ($1, $2)', [Uint8Array.of(j & 255, clients, kind === 'full' ? 1 : 2), r.sample]);
        });
        const db0 = dbCpuMs?.();
        const cpu = process.cpuUsage();
        const raw = await pool(jobs, clients);
        const rawCpu = process.cpuUsage(cpu);
        const dbCpu = db0 === undefined || !dbCpuMs ? {} : { dbCpuMsPerUpload: (dbCpuMs() - db0) / r.uploads };
        cells.push({ driver, kind: kind === 'full' ? 'raw-full' : 'raw-diff', clients, uploads: r.uploads, ...raw, bytes, cpuMsPerUpload: (rawCpu.user + rawCpu.system) / 1000 / r.uploads, ...dbCpu });
      }
    }
  } finally {
    load.stop();
    await issuer.close();
  }
  return cells;
}

async function onPgCluster(driver: 'pg' | 'pg-fsync-off', durable: boolean): Promise<Cell[]> {
  const cluster = await startPgCluster({ durable });
  try {
    const pg = await openPg(cluster.url, POOL);
    try {
      return await benchDriver(driver, pg, () => cluster.cpuMs());
    } finally {
      await pg.close();
    }
  } finally {
    await cluster.stop();
  }
}

const entry: BenchEntry = {
  name: 'issuer',
  async run() {
    // The machine is shared (other jobs run beside the bench): the 1-minute load average
    // before and after says how much of its two cores the bench had.
    const loadBefore = loadavg()[0] ?? 0;
    const cells: Cell[] = [];
    // ISSUER_BENCH_ONLY=pg,http-floor: a subset, for profiling one driver (the ratios
    // of a subset run lack what was not measured; the file's key is replaced as a whole).
    const only = process.env['ISSUER_BENCH_ONLY']?.split(',');
    const want = (d: Driver) => !only || only.includes(d);
    if (want('pglite')) {
      const dir = mkdtempSync(join(tmpdir(), 'icvault-issuer-bench-'));
      try {
        const lite = await openPglite(join(dir, 'db'));
        try {
          cells.push(...(await benchDriver('pglite', lite)));
        } finally {
          await lite.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (want('pg')) cells.push(...(await onPgCluster('pg', true)));
    if (want('pg-fsync-off')) cells.push(...(await onPgCluster('pg-fsync-off', false)));
    if (want('http-floor')) cells.push(...(await benchFloor()));
    const ratio = (c: Cell) => {
      const raw = cells.find((r) => r.driver === c.driver && r.clients === c.clients && r.kind === `raw-${c.kind}`);
      return raw ? c.perSecond / raw.perSecond : 0;
    };
    const ofFloor = (c: Cell) => {
      const f = cells.find((r) => r.driver === 'http-floor' && r.clients === c.clients && r.kind === c.kind);
      return f ? c.perSecond / f.perSecond : 0;
    };
    const isService = (c: Cell) => (c.kind === 'full' || c.kind === 'diff') && c.driver !== 'http-floor';
    // CPU per upload of every process taking part (service or raw client, load generator,
    // PostgreSQL's processes), and of the processes a deployment runs on the service's
    // side (clients on other machines). On a machine of `cores` cores the rate cannot
    // pass cores × 1000 / total ms; cpuRatio = raw total / service total is the ratio the
    // goal would read if CPU were the only limit.
    const total = (c: Cell) => c.cpuMsPerUpload + (c.clientCpuMsPerUpload ?? 0) + (c.dbCpuMsPerUpload ?? 0);
    const serverSide = (c: Cell) => c.cpuMsPerUpload + (c.dbCpuMsPerUpload ?? 0);
    const rawOf = (c: Cell) => cells.find((r) => r.driver === c.driver && r.clients === c.clients && r.kind === `raw-${c.kind}`);
    const cpu = (c: Cell) => {
      const raw = rawOf(c);
      return {
        totalCpuMsPerUpload: total(c),
        serverSideCpuMsPerUpload: serverSide(c),
        ...(raw ? { cpuRatio: total(raw) / total(c), serverSideCpuRatio: serverSide(raw) / serverSide(c) } : {}),
      };
    };
    const service = cells.filter(isService).map((c) => ({ ...c, ofRawInsert: ratio(c), ofFloor: ofFloor(c), ...cpu(c) }));
    const rows: BenchRow[] = cells.map((c) => ({ ...c, ...(isService(c) ? { ofRaw: ratio(c), ofFloor: ofFloor(c) } : {}) }));
    return {
      result: {
        pageSize: PAGE_SIZE,
        pageCount: PAGE_COUNT,
        diffPages: DIFF_PAGES,
        pool: POOL,
        goal: 'service uploads/s >= 0.5 x raw single-row INSERT transactions/s of the same bytes',
        setup:
          'clients in a child process; pglite in a data folder; pg = PostgreSQL 15 with fsync and synchronous_commit on; pg-fsync-off = the same with fsync off (CPU only); http-floor = the same clients against an HTTP server that checks and stores nothing',
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
        cells: service,
        cores: cpus().length,
        raw: cells.filter((c) => c.kind.startsWith('raw')).map((c) => ({ ...c, totalCpuMsPerUpload: total(c) })),
        floor: cells.filter((c) => c.driver === 'http-floor').map((c) => ({ ...c, totalCpuMsPerUpload: total(c) })),
      },
      rows,
    };
  },
};
export default entry;
