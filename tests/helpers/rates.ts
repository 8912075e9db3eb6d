/**
 * Send rates for test apps. Pulse paces every send on the wall clock (bot/runtime/delivery/budget.ts):
 * with its defaults, a test that sends five messages to one chat waits four real seconds.
 */

/** Rates that never make a test wait on the wall clock: for every test that does not measure pacing. */
export const FAST_RATES = {
  DIRECTIVES_RATE_GLOBAL: '1000/s',
  DIRECTIVES_RATE_CHAT: '1000/s',
  DIRECTIVES_RATE_GROUP: '100000/m',
};

/** Pulse's own defaults (bot/config.ts), Telegram's limits: for the tests that measure pacing. */
export const PLATFORM_RATES = {
  DIRECTIVES_RATE_GLOBAL: '30/s',
  DIRECTIVES_RATE_CHAT: '1/s',
  DIRECTIVES_RATE_GROUP: '20/m',
};
