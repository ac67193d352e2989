/**
 * The issue 11 story's stack, started by the spec itself on free ports: the demo issuer
 * (issuer/main.ts, ISSUER_DEMO=1) on a throw-away PGlite folder, and the app built with
 * VITE_ISSUER_URL naming it (so the build's CSP allows exactly that origin) and served
 * by vite preview. Nothing of 5173 / 4173 / 8787 is touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { expect, test, type Page } from '@playwright/test';
import { freePort } from './dev-server.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface IssuerStack {
  appUrl: string;
  issuerUrl: string;
  /** HTTP Basic for the operator console, printed by the issuer at its first start. */
  operatorAuth: string;
  operatorCredential: string;
  close(): Promise<void>;
}

function startIssuer(port: number, appOrigin: string, dataDir: string): Promise<{ child: ChildProcess; credential: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'issuer/main.ts'], {
    cwd: root,
    env: { ...process.env, ISSUER_DEMO: '1', ISSUER_DATA_DIR: dataDir, ISSUER_PORT: String(port), ISSUER_HOST: '127.0.0.1', ISSUER_APP_ORIGIN: appOrigin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    let out = '';
    let credential = '';
    const onData = (b: Uint8Array) => {
      out += new TextDecoder().decode(b);
      const cred = /credential \(shown once\): (\S+)/.exec(out);
      if (cred?.[1]) credential = cred[1];
      if (credential && / on http:\/\//.test(out)) done({ child, credential });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on("data", (b: Uint8Array) => (out += new TextDecoder().decode(b)));
    child.once('exit', (code) => fail(new Error(`the issuer stopped (${code}) before it listened:\n${out}`)));
    setTimeout(() => fail(new Error(`the issuer did not start within 60 s:\n${out}`)), 60_000).unref();
  });
}

export async function startIssuerStack(): Promise<IssuerStack> {
  const [issuerPort, appPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const issuerUrl = `http://127.0.0.1:${issuerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'icvault-issuer-e2e-'));
  const outDir = mkdtempSync(join(tmpdir(), 'icvault-app-e2e-'));
  const issuer = await startIssuer(issuerPort, appUrl, join(dataDir, 'db'));
  let server: PreviewServer | undefined;
  try {
    // Vite reads VITE_* from the environment; the CSP plugin reads the same variable.
    process.env['VITE_ISSUER_URL'] = issuerUrl;
    await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'error', build: { outDir }, preview: { port: appPort, strictPort: true, host: '127.0.0.1', open: false } });
  } catch (e) {
    issuer.child.kill('SIGTERM');
    throw e;
  } finally {
    delete process.env['VITE_ISSUER_URL'];
  }
  const preview_ = server;
  return {
    appUrl,
    issuerUrl,
    operatorCredential: issuer.credential,
    operatorAuth: `Basic ${btoa(`operator:${issuer.credential}`)}`,
    async close() {
      await preview_.close();
      const exited = new Promise((r) => issuer.child.once('exit', r));
      issuer.child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * One issuer stack for the spec file that calls this at its top level: started before
 * its first test (a build and a service take a while), closed after its last. Read
 * `stack()` inside tests.
 */
export function useIssuerStack(): () => IssuerStack {
  let stack: IssuerStack | undefined;
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    stack = await startIssuerStack();
  });
  test.afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('the issuer stack did not start');
    return stack;
  };
}

/** The card registers at its first link: the recovery code is shown once; read it and close the dialog. */
export async function writeDownRecoveryCode(page: Page): Promise<string> {
  const dialog = page.getByRole('dialog', { name: 'Your recovery code' });
  await expect(dialog).toBeVisible({ timeout: 30_000 });
  const code = (await dialog.getByTestId('recovery-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  await dialog.getByRole('button', { name: 'I have written it down' }).click();
  await expect(dialog).toBeHidden();
  return code;
}
