import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * bolt and its Web API client log through pino. Their info lines go to debug: they can carry
 * channel and user ids, which Pulse keeps out of logs at info and above.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const log = logger.child({ platform: 'slack' });
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  return {
    debug: (...parts) => log.debug(text(parts)),
    info: (...parts) => log.debug(text(parts)),
    warn: (...parts) => log.warn(text(parts)),
    error: (...parts) => log.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
