import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI machines are shared and slow at times: a test that fails under load gets two more tries there.
    retry: process.env.CI === 'true' ? 2 : 0,
    // postgres.js fetches the array types of every new connection without awaiting that query; when
    // the fault-injection tests terminate a backend during it, the rejection escapes the library.
    // Pulse's own process logs and counts such a rejection and keeps running (bot/main.ts); here only
    // that one, exactly, is not reported as an error of the run.
    onUnhandledError(error) {
      const { code, query } = error as { code?: unknown; query?: unknown };
      if (code === '57P01' && String(query).includes('pg_catalog.pg_type')) return false;
    },
  },
});
