/**
 * Builds the bridge as one package a cardholder installs without the repository:
 * icvault-bridge.mjs (main.ts and everything it imports, `ws` included, in one ES module
 * by esbuild) with tools/bridge/package/package.json, whose only dependency is the
 * native PC/SC module @pokusew/pcsclite (built on install), packed by `npm pack` into
 * tools/bridge/package/icvault-bridge-<version>.tgz (git-ignored; docs/bridge.md).
 * The bundle is staged in a temp folder, so no generated JavaScript sits in the tree.
 * (esbuild is the one Vite and tsx already bring.)
 *
 *   npx tsx tools/bridge/build.ts
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const PACKAGE_DIR = new URL('./package/', import.meta.url).pathname;

/** Writes the one-file bridge to `outFile` (executable). */
export async function buildBridge(outFile: string): Promise<string> {
  const BUNDLE = outFile;
  await build({
    entryPoints: [new URL('./main.ts', import.meta.url).pathname],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The native module is installed with the package; ws's optional speed-ups are
    // loaded by ws inside try/catch and may be absent.
    external: ['@pokusew/pcsclite', 'bufferutil', 'utf-8-validate'],
    banner: { js: '#!/usr/bin/env node\nimport { createRequire as __icvCreateRequire } from "node:module"; const require = __icvCreateRequire(import.meta.url);' },
    logLevel: 'warning',
  });
  chmodSync(BUNDLE, 0o755);
  return BUNDLE;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stage = mkdtempSync(join(tmpdir(), 'icvault-bridge-pack-'));
  try {
    await buildBridge(join(stage, 'icvault-bridge.mjs'));
    for (const f of ['package.json', 'README.md']) copyFileSync(join(PACKAGE_DIR, f), join(stage, f));
    execFileSync('npm', ['pack', '--pack-destination', PACKAGE_DIR], { cwd: stage, stdio: 'inherit' });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
