import pino from 'pino';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import type { FakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from './clock';
import type { TestDatabase } from './db';
import { FAST_RATES } from './rates';

export const TELEGRAM_TEST_TOKEN = '123456:TEST-token-for-the-fake-server';

/**
 * Starts the whole of Pulse (real grammY, long polling) against the fake Bot API, on the test
 * database, with FAST_RATES unless `env` sets rates (PLATFORM_RATES where a test measures pacing).
 */
export function startTelegramApp(
  database: TestDatabase,
  fake: FakeTelegram,
  env: Record<string, string> = {},
  clock: FakeClock = new FakeClock(),
): Promise<PulseApp> {
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...FAST_RATES,
    ...env,
  });
  return startPulse({ config, database, clock, logger: pino({ level: 'silent' }) });
}
