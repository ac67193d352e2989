/**
 * Starts the real PC/SC stack for a test: Debian's pcscd with vsmartcard's vpcd reader
 * driver on a free loopback port (its own reader.conf.d in a temp dir, so the system's
 * /etc/reader.conf.d is not used), and our simulated card linked into it. Everything
 * started here is stopped by stop(). When the daemons are missing or cannot run, start
 * throws an error that says so: the test fails, it never skips.
 *
 * pcscd 1.9 has its socket fixed at /run/pcscd/pcscd.comm (no option moves it), so only
 * one stack runs at a time (vitest.pcsc.config.ts runs these files one after another),
 * and a pcscd already running on the machine is reported, not killed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardLike } from '../../src/protocol/transport.ts';
import { linkCardToVpcd, type VpcdLink } from '../../tools/vpcd/connect.ts';

export const PCSCD = '/usr/sbin/pcscd';
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
export const READER = 'Virtual PCD 00 00';
const PID_FILE = '/run/pcscd/pcscd.pid';
const INSTALL_HINT = 'install them with: bash .ci/install-pcsc (apt-get install pcscd vsmartcard-vpcd pcsc-tools opensc libpcsclite-dev)';

export class PcscStackError extends Error {
  readonly code = 'PCSC_STACK' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(`real PC/SC stack unavailable: ${message}`, options);
    this.name = 'PcscStackError';
  }
}

export interface PcscStack {
  readonly vpcdPort: number;
  readonly reader: string;
  readonly link: VpcdLink;
  /** Takes the card out of the virtual reader (closes its vpcd link) and waits until pcscd sees it gone. */
  removeCard(): Promise<void>;
  /** Puts a card (this one or another) into the virtual reader and waits until pcscd sees it. */
  insertCard(card: CardLike): Promise<void>;
  /** pcscd's own output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ stdout, stderr: stderr + (err && code === -1 ? String(err.message) : ''), code });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function otherPcscdPid(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}/status`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8')) ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `opensc-tool -l` until the reader shows a card (bounded). */
async function waitForCard(reader: string, present: boolean, log: () => string): Promise<void> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    const r = await run('opensc-tool', ['-l'], 10_000);
    last = r.stdout + r.stderr;
    const line = last.split('\n').find((l) => l.includes(reader));
    if (line && /\sYes\s/.test(line) === present) return;
    await sleep(100);
  }
  throw new PcscStackError(`reader "${reader}" never showed ${present ? 'a card' : 'no card'}.\nopensc-tool -l:\n${last}\npcscd:\n${log()}`);
}

export async function startPcscStack(card: CardLike): Promise<PcscStack> {
  for (const [path, what] of [
    [PCSCD, 'pcscd'],
    [VPCD_DRIVER, 'vsmartcard-vpcd'],
    ['/usr/bin/scriptor', 'pcsc-tools'],
    ['/usr/bin/opensc-tool', 'opensc'],
  ] as const) {
    if (!existsSync(path)) throw new PcscStackError(`${what} is not installed (${path} missing); ${INSTALL_HINT}`);
  }
  const other = otherPcscdPid();
  if (other !== undefined)
    throw new PcscStackError(`another pcscd is running (pid ${other}, ${PID_FILE}); these tests start their own. Stop it (systemctl stop pcscd.socket pcscd) and run again.`);

  const dir = mkdtempSync(join(tmpdir(), 'icvault-pcsc-'));
  const vpcdPort = await freePort();
  const hexPort = `0x${vpcdPort.toString(16).toUpperCase()}`;
  writeFileSync(
    join(dir, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${hexPort}\n`,
  );
  let output = '';
  // --auto-exit: a daemon that outlives a crashed test run ends itself after 60 s idle.
  const pcscd: ChildProcess = spawn(PCSCD, ['--foreground', '--auto-exit', '--config', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  pcscd.stdout?.on('data', (d: Uint8Array) => (output += new TextDecoder().decode(d)));
  pcscd.stderr?.on('data', (d: Uint8Array) => (output += new TextDecoder().decode(d)));
  const exited = new Promise<number | null>((r) => pcscd.once('exit', (code) => r(code)));
  const spawnError = new Promise<Error>((r) => pcscd.once('error', r));
  const log = () => output;

  let link = linkCardToVpcd(card, { host: '127.0.0.1', port: vpcdPort, retryMs: 100 });
  const stop = async () => {
    await link.close();
    if (pcscd.exitCode === null && pcscd.signalCode === null) {
      pcscd.kill('SIGTERM');
      const t = setTimeout(() => pcscd.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const first = await Promise.race([
    link.connected.then(() => 'linked' as const),
    exited.then((c) => `pcscd exited with code ${c}` as const),
    spawnError.then((e) => `pcscd could not start: ${e.message}` as const),
    sleep(15_000).then(() => 'timeout' as const),
  ]);
  if (first !== 'linked') {
    await stop();
    throw new PcscStackError(
      first === 'timeout' ? `vpcd never listened on 127.0.0.1:${vpcdPort} within 15 s.\npcscd:\n${output}` : `${first}.\npcscd:\n${output}`,
    );
  }
  try {
    await waitForCard(READER, true, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    vpcdPort,
    reader: READER,
    get link() {
      return link;
    },
    log,
    stop,
    async removeCard() {
      await link.close();
      await waitForCard(READER, false, log);
    },
    async insertCard(next: CardLike) {
      await link.close();
      // A real swap: pcscd must see the slot empty before the next card arrives, or it
      // keeps the old card's power state and the next exchange fails (0x80100016).
      await waitForCard(READER, false, log);
      link = linkCardToVpcd(next, { host: '127.0.0.1', port: vpcdPort, retryMs: 100 });
      await link.connected;
      await waitForCard(READER, true, log);
    },
  };
}
