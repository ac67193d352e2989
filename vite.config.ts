import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built app runs under a strict Content Security Policy (index.html): no inline
// script, so Vite must not inline its module preload polyfill.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
});
