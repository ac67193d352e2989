import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'issuer/**/*.test.ts', 'test/**/*.test.ts', 'tools/**/*.test.ts'],
    environment: 'node',
    // Fault-injection suites run thousands of power cuts; give them room, but the
    // suites themselves assert behaviour, never time.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
