/**
 * Packs the built app (dist/, from `npm run build`) into a signed web bundle that
 * Chromium installs as an Isolated Web App: `npm run build:iwa` writes dist-iwa/icvault.swbn
 * and prints the app's origin (isolated-app://<id>/). docs/iwa.md says how to install it.
 *
 * The bundle (wbn, format b2) holds every file of dist/ at isolated-app://<id>/<path>,
 * "/" answering with index.html, each with the IWA headers (headers.ts); the integrity
 * block (wbn-sign) is signed with an Ed25519 key:
 *   - ICVAULT_IWA_KEY: a PEM private key in the environment (release builds), or
 *   - tools/iwa/.keys/dev-key.pem, generated on first use (git-ignored; a developer's
 *     own key, so each developer's build has its own origin).
 * No key is ever committed.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BundleBuilder } from 'wbn';
import { IntegrityBlockSigner, NodeCryptoSigningStrategy, parsePemKey, WebBundleId } from 'wbn-sign';
import { iwaHeaders } from './headers.ts';

export class IwaPackError extends Error {
  readonly code = 'IWA_PACK' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IwaPackError';
  }
}

const DEV_KEY = new URL('./.keys/dev-key.pem', import.meta.url).pathname;

export function signingKey(env: NodeJS.ProcessEnv = process.env, devKeyPath = DEV_KEY): KeyObject {
  const pem = env.ICVAULT_IWA_KEY;
  if (pem) {
    try {
      // parsePemKey's type says Buffer; it only hands the bytes to crypto.createPrivateKey.
      return parsePemKey(new TextEncoder().encode(pem) as Parameters<typeof parsePemKey>[0]);
    } catch (e) {
      throw new IwaPackError('ICVAULT_IWA_KEY is not a PEM Ed25519 (or ECDSA P-256) private key', { cause: e });
    }
  }
  if (!existsSync(devKeyPath)) {
    mkdirSync(join(devKeyPath, '..'), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(devKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return parsePemKey(readFileSync(devKeyPath));
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out.sort();
}

export interface PackedIwa {
  bundle: Uint8Array;
  /** isolated-app://<id>/ */
  origin: string;
  webBundleId: string;
  paths: string[];
}

export async function packIwa(distDir: string, key: KeyObject): Promise<PackedIwa> {
  if (!existsSync(join(distDir, 'index.html'))) throw new IwaPackError(`${distDir}/index.html is missing: run npm run build first`);
  if (!existsSync(join(distDir, '.well-known', 'manifest.webmanifest')))
    throw new IwaPackError(`${distDir}/.well-known/manifest.webmanifest is missing (it comes from public/): rebuild with npm run build`);
  const id = new WebBundleId(key);
  const origin = id.serializeWithIsolatedWebAppOrigin();
  const builder = new BundleBuilder('b2');
  const paths: string[] = [];
  for (const file of files(distDir)) {
    const path = '/' + relative(distDir, file).split(sep).join('/');
    if (path.endsWith('.map')) continue; // source maps stay out of the installed app
    const body = new Uint8Array(readFileSync(file));
    builder.addExchange(origin + path.slice(1), 200, iwaHeaders(path), body);
    paths.push(path);
    if (path === '/index.html') {
      builder.addExchange(origin, 200, iwaHeaders(path), body);
      paths.push('/');
    }
  }
  const unsigned = builder.createBundle();
  const { signedWebBundle } = await new IntegrityBlockSigner(unsigned, id.serialize(), [new NodeCryptoSigningStrategy(key)]).sign();
  return { bundle: signedWebBundle, origin, webBundleId: id.serialize(), paths };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../../', import.meta.url).pathname;
  const outDir = join(root, 'dist-iwa');
  try {
    const packed = await packIwa(join(root, 'dist'), signingKey());
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'icvault.swbn'), packed.bundle);
    console.log(`wrote dist-iwa/icvault.swbn (${packed.bundle.length} bytes, ${packed.paths.length} resources) for ${packed.origin}`);
  } catch (e) {
    if (e instanceof IwaPackError) {
      console.error(`build:iwa: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
