import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs; pretty when a person watches a terminal and pino-pretty is installed.
 * Rule: no message text and no user ids at info level or above. Errors are logged by name,
 * message and stack only: platform errors carry the request payload (message text, chat ids).
 */
export function createLogger(
  level: string,
  options: { pretty?: boolean; destination?: DestinationStream } = {},
): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const base = { level, serializers: { err: safeError } };
  if (!options.destination && pretty && canResolve('pino-pretty')) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

export function safeError(error: unknown): { type: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-error thrown' };
  // drizzle's query errors append the parameters (feedback text, user ids) to message and stack.
  if ('params' in error && 'query' in error) {
    const withoutParams = (text: string) => text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '');
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return {
      type: error.name,
      message: `${withoutParams(error.message)}${cause}`,
      stack: error.stack && withoutParams(error.stack),
    };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}

function canResolve(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
