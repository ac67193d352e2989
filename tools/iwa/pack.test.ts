import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Bundle } from 'wbn';
import { getBundleId } from 'wbn-sign';
import { renderIcon } from './make-icon.ts';
import { IwaPackError, packIwa, signingKey } from './pack.ts';

const publicDir = new URL('../../public/', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'icvault-iwa-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeDist(): string {
  const d = tempDir();
  mkdirSync(join(d, '.well-known'));
  mkdirSync(join(d, 'assets'));
  writeFileSync(join(d, 'index.html'), '<!doctype html><title>icvault</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(d, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(d, 'assets', 'app.js.map'), '{}');
  copyFileSync(join(publicDir, '.well-known', 'manifest.webmanifest'), join(d, '.well-known', 'manifest.webmanifest'));
  copyFileSync(join(publicDir, 'icon-256.png'), join(d, 'icon-256.png'));
  return d;
}

/** The web bundle after the integrity block: a b2 bundle ends with its own length (8 bytes). */
function innerBundle(signed: Uint8Array): Bundle {
  const length = Number(new DataView(signed.buffer, signed.byteOffset + signed.length - 8, 8).getBigUint64(0));
  return new Bundle(signed.subarray(signed.length - length));
}

describe('packIwa', () => {
  it('packs every file of dist (not source maps) at the isolated-app origin of the key, with the IWA headers, and signs it', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const packed = await packIwa(fakeDist(), privateKey);
    expect(packed.origin).toBe(`isolated-app://${packed.webBundleId}/`);
    expect(getBundleId(packed.bundle)).toBe(packed.webBundleId);
    const bundle = innerBundle(packed.bundle);
    const paths = bundle.urls.map((u) => u.slice(packed.origin.length - 1)).sort();
    expect(paths).toEqual(['/', '/.well-known/manifest.webmanifest', '/assets/app.js', '/icon-256.png', '/index.html']);
    const root = bundle.getResponse(packed.origin);
    expect(root.status).toBe(200);
    expect(root.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    });
    const manifest = JSON.parse(new TextDecoder().decode(bundle.getResponse(`${packed.origin}.well-known/manifest.webmanifest`).body)) as Record<string, unknown>;
    expect(manifest.permissions_policy).toEqual({
      'cross-origin-isolated': ['self'],
      usb: ['self'],
      'usb-unrestricted': ['self'],
      'smart-card': ['self'],
    });
    expect(manifest.version).toBe('0.1.0');
    expect(manifest.icons).toEqual([expect.objectContaining({ src: '/icon-256.png', sizes: '256x256' })]);
  });

  it('refuses a dist without index.html or without the manifest, saying which', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const empty = tempDir();
    await expect(packIwa(empty, privateKey)).rejects.toThrow(/index\.html is missing: run npm run build/);
    writeFileSync(join(empty, 'index.html'), '<!doctype html>');
    await expect(packIwa(empty, privateKey)).rejects.toBeInstanceOf(IwaPackError);
    await expect(packIwa(empty, privateKey)).rejects.toThrow(/manifest\.webmanifest is missing/);
  });
});

describe('signingKey', () => {
  it('generates a dev key once, in the given git-ignored path, and reuses it', () => {
    const path = join(tempDir(), '.keys', 'dev-key.pem');
    const a = signingKey({}, path);
    const b = signingKey({}, path);
    expect(a.asymmetricKeyType).toBe('ed25519');
    expect(a.export({ type: 'pkcs8', format: 'der' })).toEqual(b.export({ type: 'pkcs8', format: 'der' }));
  });

  it('takes ICVAULT_IWA_KEY first, and says so when it is not a key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const unused = join(tempDir(), 'never.pem');
    expect(signingKey({ ICVAULT_IWA_KEY: pem }, unused).export({ type: 'pkcs8', format: 'der' })).toEqual(privateKey.export({ type: 'pkcs8', format: 'der' }));
    expect(() => signingKey({ ICVAULT_IWA_KEY: 'not a key' }, unused)).toThrow(/ICVAULT_IWA_KEY is not a PEM/);
  });
});

describe('the icon', () => {
  it('public/icon-256.png is what make-icon renders: a 256 x 256 RGBA PNG (IWAs need at least 144 px)', () => {
    const png = new Uint8Array(readFileSync(join(publicDir, 'icon-256.png')));
    expect(png).toEqual(renderIcon(256));
    const v = new DataView(png.buffer, png.byteOffset);
    expect([v.getUint32(16), v.getUint32(20), png[24], png[25]]).toEqual([256, 256, 8, 6]);
    // IDAT inflates to one filter byte + 256 RGBA pixels per row; the card's blue is in the middle.
    const idatLength = v.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(256 * (1 + 256 * 4));
    const row = 200 * (1 + 1024) + 1;
    expect([...raw.subarray(row + 128 * 4, row + 128 * 4 + 4)]).toEqual([0x1f, 0x5f, 0x8b, 255]);
  });
});
