import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/pglite-dump.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI machines are shared and slow at times: a test that fails under load gets two more tries there.
    retry: process.env.CI === 'true' ? 2 : 0,
    // Two rejections escape postgres.js itself when the fault-injection tests terminate backends, and
    // only these two are not reported as errors of the run (Pulse's own process logs and counts any
    // escaped rejection and keeps running, bot/main.ts):
    // - it fetches the array types of every new connection without awaiting that query (57P01);
    // - a `begin()` whose connection was terminated rejects at once, but its callback keeps running
    //   (porsager/postgres#1216) and may issue its next statement after the file's pool has ended.
    onUnhandledError(error) {
      const { code, query } = error as { code?: unknown; query?: unknown };
      if (code === '57P01' && String(query).includes('pg_catalog.pg_type')) return false;
      if (code === 'CONNECTION_ENDED' && query === undefined) return false;
    },
  },
});
