import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBridge } from './build.ts';

const dir = mkdtempSync(join(tmpdir(), 'icvault-bridge-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: dir, timeout: 30_000, env: { ...process.env, NODE_PATH: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });

describe('the bridge package (one file, no repository)', () => {
  it('runs with plain node from another folder; without its PC/SC module it says how to reinstall, no stack trace', async () => {
    await buildBridge(join(dir, 'icvault-bridge.mjs'));
    const help = await node(['icvault-bridge.mjs', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('icvault-bridge forget <origin> | --all');
    const r = await node(['icvault-bridge.mjs', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PC\/SC module \(@pokusew\/pcsclite\) is not installed/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
