import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPcscService, explainModuleLoadFailure } from './setup-errors.ts';

describe('explainModuleLoadFailure', () => {
  it('names libpcsclite and how to install it when the dynamic loader cannot find it', () => {
    // The message Node gives when the addon's libpcsclite.so.1 is absent.
    const e = explainModuleLoadFailure(new Error('libpcsclite.so.1: cannot open shared object file: No such file or directory'));
    expect(e.code).toBe('PCSC_LIBRARY_MISSING');
    expect(e.message).toMatch(/PC\/SC library \(libpcsclite\) is not installed/);
    expect(e.message).toContain('sudo apt-get install pcscd libpcsclite1');
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('says the bridge module is missing when the package itself is not there', () => {
    const e = explainModuleLoadFailure(Object.assign(new Error("Cannot find module '@pokusew/pcsclite'"), { code: 'MODULE_NOT_FOUND' }));
    expect(e.code).toBe('PCSC_MODULE_MISSING');
    expect(e.message).toMatch(/Reinstall the bridge/);
  });
});

describe('checkPcscService', () => {
  it('on Linux, a missing pcscd socket is PCSCD_NOT_RUNNING with the commands to fix it', () => {
    const e = checkPcscService('linux', {}, () => false);
    expect(e?.code).toBe('PCSCD_NOT_RUNNING');
    expect(e?.message).toContain('/run/pcscd/pcscd.comm');
    expect(e?.message).toContain('systemctl enable --now pcscd.socket');
    expect(checkPcscService('linux', { PCSCLITE_CSOCK_NAME: '/x/y' }, (p) => p === '/x/y')).toBeUndefined();
    expect(checkPcscService('darwin', {}, () => false)).toBeUndefined();
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const main = new URL('./main.ts', import.meta.url).pathname;
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const runMain = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(tsx, [main, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });

describe('icvault-bridge on a computer without PC/SC', () => {
  it('prints what to install in plain words, no pairing code, no stack trace, exit code 2', async () => {
    const r = await runMain(['--port', '0'], { PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The PC/SC service (pcscd) is not running');
    expect(r.stderr).toContain('sudo apt-get install pcscd');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toContain('Pairing code');
  });

  it('a bad --port is named, with no stack trace', async () => {
    const r = await runMain(['--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('icvault bridge: --port must be a number from 0 to 65535, not "abc".\n');
  });
});

describe('icvault-bridge paired / forget', () => {
  it('lists nothing, then refuses forget without an origin', async () => {
    const d = mkdtempSync(join(tmpdir(), 'icvault-bridge-cli-'));
    dirs.push(d);
    const config = join(d, 'paired.json');
    expect((await runMain(['paired', '--config', config])).stdout).toBe(`No page is paired (${config}).\n`);
    const r = await runMain(['forget', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/forget needs the page address/);
  });
});
