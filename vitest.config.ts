import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI machines are shared and slow at times: a test that fails under load gets two more tries there.
    retry: process.env.CI === 'true' ? 2 : 0,
  },
});
