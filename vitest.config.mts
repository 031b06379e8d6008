import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'test/**/*.test.ts', 'tools/**/*.test.ts'],
    // Real SQLite, real Chromium, real electron-builder: some tests take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep the browser and packaging tests from starving each other.
    maxWorkers: 2,
  },
});
