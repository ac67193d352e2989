// The bridge as a cardholder runs it: the one-file package (tools/bridge/build.ts)
// copied to a folder outside the repository and started with plain `node`, its PC/SC
// module found through NODE_PATH as a global install would provide it, over the real
// pcscd + vpcd. Pairing by code once, then by the remembered token alone; `forget`
// revokes; the reader is held exclusively (a second page is told it is busy).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { connectBridge, type BridgeError } from '../../src/reader/bridge-transport.ts';
import { buildBridge } from '../../tools/bridge/build.ts';
import { appSocket, APP_ORIGIN } from './bridge-harness.ts';
import { run, startPcscStack, type PcscStack } from './daemons.ts';

const NODE_MODULES = new URL('../../node_modules', import.meta.url).pathname;
let stack: PcscStack;
let dir: string;
let bridge: ChildProcess | undefined;
let out = '';

function startPackagedBridge(port: number): Promise<{ code: string | undefined; url: string }> {
  out = '';
  const child = spawn(process.execPath, [join(dir, 'icvault-bridge.mjs'), '--port', String(port), '--config', join(dir, 'paired.json')], {
    cwd: dir,
    env: { ...process.env, NODE_PATH: NODE_MODULES },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bridge = child;
  child.stdout?.on('data', (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr?.on('data', (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /on (ws:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1]) {
        clearInterval(t);
        const code = /Pairing code: (\d{3}) (\d{3})/.exec(out);
        resolve({ code: code ? `${code[1]}${code[2]}` : undefined, url: m[1] });
      }
    }, 50);
    child.once('exit', (c) => {
      clearInterval(t);
      reject(new Error(`packaged bridge exited (${c}):\n${out}`));
    });
  });
}

async function stopBridge(): Promise<void> {
  const b = bridge;
  bridge = undefined;
  if (!b || b.exitCode !== null) return;
  const exited = new Promise((r) => b.once('exit', r));
  b.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'icvault-bridge-pkg-'));
  await buildBridge(join(dir, 'icvault-bridge.mjs'));
  stack = await startPcscStack(createTestCard({ seed: 'bridge package' }));
});

afterAll(async () => {
  await stack?.stop(); // pcscd first (see bridge.pcsc.ts)
  await stopBridge();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packaged bridge, outside the repository', () => {
  it('pairs by code once; a restart accepts the remembered token alone; forget revokes it', async () => {
    const port = 0;
    const first = await startPackagedBridge(port);
    expect(first.code).toMatch(/^\d{6}$/);
    const conn = await connectBridge({ url: first.url, pairingCode: first.code ?? '', createSocket: appSocket(), timeoutMs: 20_000 });
    const token = conn.pairingToken;
    expect(token).toBeDefined();
    await expect.poll(() => conn.readers.some((r) => r.name === stack.reader && r.cardPresent), { timeout: 20_000 }).toBe(true);
    const { transport } = await conn.connectCard(stack.reader);
    const answer = await transport.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00));
    expect(answer.slice(-2)).toEqual(Uint8Array.of(0x90, 0x00));

    // Exclusive: a second page of the same origin is told the reader is busy.
    const second = await connectBridge({ url: first.url, pairingToken: token ?? '', createSocket: appSocket(), timeoutMs: 20_000 });
    const busy = await second.connectCard(stack.reader).catch((e: unknown) => e);
    expect((busy as BridgeError).bridgeCode).toBe('READER_BUSY');
    await second.close();
    await conn.close();
    await stopBridge();

    const restarted = await startPackagedBridge(port);
    const again = await connectBridge({ url: restarted.url, pairingToken: token ?? '', createSocket: appSocket(), timeoutMs: 20_000 });
    expect(again.pairingToken).toBeUndefined();
    await again.close();
    // Another origin cannot use the token.
    const stranger = await connectBridge({ url: restarted.url, pairingToken: token ?? '', createSocket: appSocket('http://localhost:5173'), timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect((stranger as BridgeError).bridgeCode).toBe('BAD_PAIRING');
    await stopBridge();

    const forget = await run(process.execPath, [join(dir, 'icvault-bridge.mjs'), 'forget', APP_ORIGIN, '--config', join(dir, 'paired.json')]);
    expect(forget.stdout).toMatch(/Forgot 1 paired page/);
    const third = await startPackagedBridge(port);
    const refused = await connectBridge({ url: third.url, pairingToken: token ?? '', createSocket: appSocket(), timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect((refused as BridgeError).bridgeCode).toBe('BAD_PAIRING');
    expect((refused as BridgeError).message).toMatch(/not paired with this bridge/);
    await stopBridge();
  });
});
