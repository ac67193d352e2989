import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFileSync } from 'node:child_process';

// A throw-away PostgreSQL 15 cluster for the issuer's tests: initdb + pg_ctl from
// Debian's postgresql-15, run as the `postgres` user, in a temp dir, on a free loopback
// port. If it cannot start, this throws: the suite fails, it never skips.

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface PgCluster {
  url: string;
  stop(): Promise<void>;
}

const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { timeout: 120_000 });

/** durable: PostgreSQL's own durability (fsync and synchronous_commit on, as a deployed
 *  issuer runs); the tests' default turns fsync off (throw-away data, faster suites). */
export async function startPgCluster(opts: { durable?: boolean } = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'icvault-issuer-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await asPostgres('pg_ctl', [
      '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${opts.durable ? '' : ' -c fsync=off'} -c max_connections=200`,
      'start',
    ]);
  } catch (cause) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL 15 test cluster did not start in ${dir}: ${(cause as Error).message}`, { cause });
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
