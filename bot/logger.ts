import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

/**
 * JSON logs; pretty when a person watches a terminal and pino-pretty is installed.
 * Rule: no message text and no user ids at info level or above.
 */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  if (pretty && canResolve('pino-pretty')) {
    return pino({ level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino({ level });
}

function canResolve(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
