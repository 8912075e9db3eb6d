import { defineConfig } from 'vitest/config';

/**
 * Files whose timing matters: they spawn Pulse processes (each a tsx boot of seconds of CPU), or
 * measure a rate, a latency or a delay on the wall clock. They run one at a time, after the rest,
 * so that neither they nor the parallel files slow each other into a false failure.
 * docs/reliability.md, "The test suite".
 */
const ALONE = [
  'tests/production/backup.test.ts', // npm run backup/restore as child processes (tsx boots)
  'tests/production/deploy.test.ts', // the install script, then the installed build as a process
  'tests/production/rolling-restart.test.ts', // three Pulse processes restarted under traffic
  'tests/production/shared-rate.test.ts', // measures the shared send rate: 27–30.5/s
  'tests/production/three-processes.test.ts', // three Pulse processes, measures the rate against the limit
  'tests/reliability/delivery.test.ts', // Pulse processes killed mid fan-out; backends terminated
  'tests/reliability/priority.test.ts', // replies within 3 s during a 429 storm
  'tests/reliability/readiness.test.ts', // /readyz answers within 1 s
  'tests/features/directives/processes.test.ts', // real Pulse processes sharing one database
  'tests/e2e/process.test.ts', // `node bot/main.ts` as a process, signals and exit
  'tests/e2e/startup.test.ts', // the start command as a process, how long it takes
  'tests/e2e/telegram.test.ts', // a retry_after honoured: < 5 s and ≥ 5.5 s on the wall clock
  'tests/sandbox/browser.test.ts', // Chromium against the sandbox
  'tests/features/reports/sandbox.test.ts', // Chromium against the sandbox's report
];

const workers = Number(process.env.PULSE_TEST_WORKERS ?? 4);

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/database-templates.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI machines are shared and slow at times: a test that fails under load gets two more tries there.
    retry: process.env.CI === 'true' ? 2 : 0,
    // Two rejections escape postgres.js itself when the fault-injection tests terminate backends, and
    // only these two are not reported as errors of the run (Pulse's own process logs and counts any
    // escaped rejection and keeps running, bot/main.ts):
    // - it fetches the array types of every new connection without awaiting that query
    //   (porsager/postgres#1192): a backend terminated then rejects it with 57P01, or, when the
    //   socket is cut first, with ECONNRESET — either way only that internal query's error;
    // - a `begin()` whose connection was terminated rejects at once, but its callback keeps running
    //   (porsager/postgres#1216) and may issue its next statement after the file's pool has ended.
    onUnhandledError(error) {
      const { code, query } = error as { code?: unknown; query?: unknown };
      if (String(query).includes('pg_catalog.pg_type')) return false;
      if (code === 'CONNECTION_ENDED' && query === undefined) return false;
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['tests/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: workers,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
