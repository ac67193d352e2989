import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { parseIssuerRoot } from './src/ui/services/issuer-root.ts';

/**
 * The app's Content Security Policy, written into index.html per mode.
 * Built app (npm run build / preview): strict, no inline script or style at all.
 * Dev server (npm start / npm run dev): Vite injects each CSS import as a <style> element
 * and plugin-react adds an inline Fast Refresh preamble, so only there script-src and
 * style-src also allow inline code. Everything else is the same in both.
 */
export function contentSecurityPolicy(dev: boolean, issuerUrl = process.env['VITE_ISSUER_URL']): string {
  const inline = dev ? " 'unsafe-inline'" : '';
  // The card issuer's service (VITE_ISSUER_URL, docs/issuer.md): the one other origin the app may call.
  const issuer = issuerUrl ? ` ${new URL(issuerUrl).origin}` : '';
  return [
    "default-src 'self'",
    `script-src 'self'${inline}`,
    `style-src 'self'${inline}`,
    "img-src 'self' data: blob:",
    // ws://127.0.0.1:* is the PC/SC bridge (docs/bridge.md); in dev also Vite's HMR socket ('self');
    // and the issuer's origin when the build names one.
    `connect-src 'self' ws://127.0.0.1:*${issuer}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function cspPlugin(): Plugin {
  let dev = false;
  return {
    name: 'icvault-csp',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(dev) }, injectTo: 'head-prepend' }],
    },
  };
}

// A pinned issuer root (VITE_ISSUER_ROOT) that is not 64 hex digits stops the build here,
// naming what is wrong, rather than making an app that checks cards against nothing.
parseIssuerRoot(process.env['VITE_ISSUER_ROOT']);

// The built app runs under the strict policy: no inline script, so Vite must not inline
// its module preload polyfill.
export default defineConfig({
  plugins: [cspPlugin(), react()],
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
});
