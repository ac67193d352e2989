import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
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
  /** CPU time (ms) the cluster's processes (the postmaster and its children: backends,
   *  WAL writer, checkpointer…) have run so far, from Linux's /proc/<pid>/schedstat
   *  (nanoseconds on the CPU; the bench's database CPU per upload). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** On-CPU nanoseconds of `root` and every process under it (Linux /proc). */
function treeCpuNs(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended meanwhile
    }
  }
  let ns = 0;
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // ended meanwhile
    }
    todo.push(...(children.get(pid) ?? []));
  }
  return ns;
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
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    cpuMs: () => treeCpuNs(postmaster) / 1e6,
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
