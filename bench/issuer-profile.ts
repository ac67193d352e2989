// Profiles the issuer service's process during timed upload cells only (not the cluster's
// start, the logins or the raw reference): `npx tsx bench/issuer-profile.ts <driver>
// <kind> <clients> [rounds] [out.cpuprofile]`, driver pglite | pg | pg-fsync-off |
// http-floor. The same load generator as bench/entries/issuer.ts, in a child process of
// its own; prints each round's rate, this process's and the client's CPU per upload, and
// the statements sent.
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from '@noble/hashes/utils.js';
import { openPglite } from '../issuer/db/pglite.ts';
import { openPg } from '../issuer/db/pg.ts';
import type { Db } from '../issuer/db/db.ts';
import { startIssuer } from '../issuer/server.ts';
import { hex } from '../src/protocol/bytes.ts';
import { testAuthority } from '../test/issuer/support/test-authority.ts';
import { startPgCluster } from '../test/issuer/support/pg-cluster.ts';
import { startHttpFloor } from '../test/issuer/support/http-floor.ts';
import type { LoadCell, LoadResult } from '../test/issuer/support/load-client.ts';

const [driver = 'pg-fsync-off', kind = 'diff', clientsArg = '16', roundsArg = '5', out] = process.argv.slice(2);
const clients = Number(clientsArg);
const rounds = Number(roundsArg);
const LOAD_CLIENT = fileURLToPath(new URL('../test/issuer/support/load-client.ts', import.meta.url));

async function main(): Promise<void> {
  let db: Db;
  let stop: () => Promise<void>;
  if (driver === 'http-floor') {
    db = undefined as unknown as Db;
    stop = async () => undefined;
  } else if (driver === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'icvault-issuer-prof-'));
    db = await openPglite(join(dir, 'db'));
    stop = async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const cluster = await startPgCluster({ durable: driver === 'pg' });
    db = await openPg(cluster.url, 64);
    stop = async () => {
      await db.close();
      await cluster.stop();
    };
  }
  // Statements per round (group commit's batch sizes).
  let statements = 0;
  if (db) {
    const query = db.query.bind(db);
    db = { ...db, query: (sql: string, params?: readonly unknown[]) => (statements++, query(sql, params)) } as Db;
  }
  const seed = randomBytes(32);
  const issuer =
    driver === 'http-floor'
      ? await startHttpFloor()
      : await startIssuer({ db, authority: testAuthority(seed), config: { perIpPerMinute: 1e9, perCardPerMinute: 1e9, quotaBytes: 1e12, appOrigin: 'http://bench' } });
  const child = fork(LOAD_CLIENT, [issuer.url, hex(seed), String((Date.now() % 1e6) * 1e6)], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
  const replies: ((m: { ready?: true; ok?: boolean; result?: LoadResult; error?: string }) => void)[] = [];
  child.on('message', (m: { ready?: true; ok?: boolean; result?: LoadResult; error?: string }) => replies.shift()?.(m));
  const next = () => new Promise<{ ready?: true; ok?: boolean; result?: LoadResult; error?: string }>((r) => replies.push(r));
  await next();
  const cell: LoadCell = { clients, kind: kind as 'full' | 'diff', uploads: 192, pageSize: 64, pageCount: 512, diffPages: 26 };
  // A first round warms the cards up (logins, a diff's base) and the code.
  child.send(cell);
  await next();
  child.send({ go: true });
  await next();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  if (out) await session.post('Profiler.start');
  for (let i = 0; i < rounds; i++) {
    child.send(cell);
    await next();
    const cpu = process.cpuUsage();
    statements = 0;
    child.send({ go: true });
    const m = await next();
    const used = process.cpuUsage(cpu);
    if (!m.ok || !m.result) throw new Error(m.error ?? 'load client failed');
    const r = m.result;
    console.log(`${driver} ${kind} x${clients}: ${(r.uploads / r.seconds).toFixed(0)}/s, service ${((used.user + used.system) / 1000 / r.uploads).toFixed(3)} ms/upload, client ${(r.clientCpuMs / r.uploads).toFixed(3)} ms/upload, ${statements} statements`);
  }
  if (out) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(out, JSON.stringify(profile));
  }
  session.disconnect();
  child.kill();
  await issuer.close();
  await stop();
}

await main();
