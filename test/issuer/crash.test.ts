import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, hex } from '../../src/protocol/bytes.ts';
import { decodeHeader } from '../../src/protocol/backup-format.ts';
import { splitBackupData } from '../../src/protocol/trust/backup-data.ts';
import { TestCard, testAuthority } from './support/test-authority.ts';
import { makeBackup } from './support/backups.ts';
import { startPgCluster, type PgCluster } from './support/pg-cluster.ts';

// The service killed (SIGKILL) while uploads are in flight: after a restart on the same
// storage, no half backup is visible: every listed backup is whole (its bytes hash to
// its blob hash), the chain is contiguous and the head names the last backup.

const CHILD = join(import.meta.dirname, 'support', 'child-issuer.ts');

function startChild(dataDir: string, seed: Uint8Array, databaseUrl?: string): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (databaseUrl) env['DATABASE_URL'] = databaseUrl;
    else delete env['DATABASE_URL'];
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, hex(seed)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout?.on('data', (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = out.match(/ISSUER (\S+)/);
      if (m?.[1]) resolve({ proc, url: m[1] });
    });
    proc.stderr?.on('data', (d: Uint8Array) => (err += new TextDecoder().decode(d)));
    proc.on('exit', (code) => reject(new Error(`issuer child exited (${code}) before it served: ${err}`)));
  });
}

async function login(url: string, card: TestCard): Promise<string> {
  const ch = (await (await fetch(`${url}/v1/auth/challenge`, { method: 'POST' })).json()) as { challenge: string };
  const r = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(card.signChallenge(fromHex(ch.challenge))) }),
  });
  return ((await r.json()) as { token: string }).token;
}

/** Sends the head of a body and never the rest: an upload the kill interrupts mid-body. */
function halfUpload(url: string, path: string, token: string, body: Uint8Array): void {
  const u = new URL(url + path);
  const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': body.length } });
  req.on('error', () => undefined);
  req.write(body.subarray(0, body.length >> 1));
}

describe.each(['pglite', 'pg'] as const)('issuer killed during uploads (%s)', (driver) => {
  let dir: string;
  let cluster: PgCluster | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icvault-issuer-crash-'));
    if (driver === 'pg') cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows no half backup after a restart', async () => {
    const seed = randomBytes(32);
    const authority = testAuthority(seed);
    const card = new TestCard(authority, '4000123412341234');
    const dataDir = join(dir, 'data');
    let child = await startChild(dataDir, seed, cluster?.url);
    const t = await login(child.url, card);
    const path = `/v1/cards/${card.cardNumber}/backups`;
    // A chain of uploads running, one upload stuck mid-body, then SIGKILL.
    let prev: Uint8Array | undefined;
    let seq = 1;
    let stopped = false;
    let ended: string | undefined;
    const acked: number[] = [];
    const chain = (async () => {
      while (!stopped) {
        const b = makeBackup({ issuer: authority.issuerId, cardNumber: card.cardNumber, seq, ...(prev ? { prev } : {}) });
        try {
          const r = await fetch(child.url + path, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/octet-stream' }, body: card.frame(b.header, b.records).slice().buffer });
          if (r.status !== 201) {
            ended = `upload ${seq} answered ${r.status}: ${await r.text()}`;
            break;
          }
          acked.push(seq);
          prev = b.hash;
          seq++;
        } catch (e) {
          ended = `upload ${seq} failed: ${(e as Error).message}`;
          break; // the connection died with the process
        }
      }
    })();
    while (acked.length < 3) {
      // Before the kill every upload is a next backup of a live service: a refusal is a failure.
      if (ended !== undefined) throw new Error(`the chain stopped before the kill: ${ended}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const stuck = makeBackup({ issuer: authority.issuerId, cardNumber: card.cardNumber, seq: 10_000, ...(prev ? { prev } : {}) });
    halfUpload(child.url, path, t, card.frame(stuck.header, stuck.records));
    child.proc.kill('SIGKILL');
    stopped = true;
    await chain;
    await new Promise((r) => child.proc.once('exit', r));

    child = await startChild(dataDir, seed, cluster?.url);
    try {
      const t2 = await login(child.url, card);
      const l = (await (await fetch(child.url + path, { headers: { authorization: `Bearer ${t2}` } })).json()) as {
        backups: { seq: number; blobHash: string; headerHash: string }[];
        head: { seq: number; headHash: string };
      };
      expect(l.backups.map((b) => b.seq)).toEqual(Array.from({ length: l.head.seq }, (_, i) => i + 1));
      // Every backup the service acknowledged survived the kill.
      expect(l.head.seq).toBeGreaterThanOrEqual(acked.length);
      expect(l.backups.at(-1)?.headerHash ?? '').toBe(l.head.headHash);
      let prevHash = '00'.repeat(32).toUpperCase();
      for (const b of l.backups) {
        const bytes = new Uint8Array(await (await fetch(`${child.url}${path}/${b.seq}`, { headers: { authorization: `Bearer ${t2}` } })).arrayBuffer());
        expect(hex(sha256(bytes))).toBe(b.blobHash);
        const parts = splitBackupData(bytes);
        const h = decodeHeader(parts.ok ? parts.value.header : new Uint8Array(0));
        expect(h.ok && hex(h.value.prevHash)).toBe(prevHash);
        prevHash = b.headerHash;
      }
      expect(l.backups.some((b) => b.seq === 10_000)).toBe(false);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });
});
