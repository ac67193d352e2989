// Tests against the real PC/SC stack (Debian pcscd + vsmartcard-vpcd + pcsc-tools +
// OpenSC, installed by .ci/install-pcsc): `npx vitest run --config vitest.pcsc.config.ts`.
// pcscd's socket path is fixed (/run/pcscd), so the files run one after another in
// child processes (the PC/SC binding is a native addon). A missing or broken daemon
// fails these tests with a message saying so; nothing here is skipped.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pcsc/**/*.pcsc.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
