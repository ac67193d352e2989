/**
 * The HTTP headers every response of the Isolated Web App carries, in the signed bundle
 * (tools/iwa/pack.ts) and from the dev-mode server (tools/iwa/serve.ts). Chromium
 * requires an IWA to be cross-origin isolated (COOP same-origin + COEP require-corp,
 * CORP same-origin) and enforces its own strict CSP on top of ours; the app's CSP from
 * vite.config.ts stays in index.html.
 */
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  map: 'application/json',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
};

export function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

export function iwaHeaders(path: string): Record<string, string> {
  return { 'content-type': contentType(path), ...ISOLATION_HEADERS };
}
