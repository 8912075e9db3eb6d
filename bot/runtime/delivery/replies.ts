import type { Logger } from 'pino';
import { DeliveryError } from '../../kernel/errors';

/** A reply's own wait for a 429 is at most this long: longer, and it is sent later in the background. */
const INLINE_WAIT_SECONDS = 5;
const ATTEMPTS = 4;

/**
 * Sends an interactive reply (the answer to a person's own command or button) so that a rate
 * limit neither drops it nor holds the chat's queue: a short `retry_after` is waited out here;
 * a long one (a reply told to wait 60 s) lets the handler return at once — the chat's next
 * update is handled — and the reply is sent when the platform allows it, up to 4 attempts.
 * Any other failure is the caller's, as before.
 */
export async function sendReply(
  send: () => Promise<unknown>,
  logger: Logger,
  options: { inlineWaitSeconds?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const inline = options.inlineWaitSeconds ?? INLINE_WAIT_SECONDS;
  for (let attempt = 1; ; attempt++) {
    const wait = await attemptOnce(send);
    if (wait === undefined) return;
    if (attempt >= ATTEMPTS) throw wait.error;
    if (wait.seconds > inline) {
      later(send, logger, wait.seconds, attempt + 1);
      return;
    }
    await sleep(wait.seconds * 1000);
  }
}

/** undefined when sent; the wait the platform asked for after a 429; other errors thrown. */
async function attemptOnce(
  send: () => Promise<unknown>,
): Promise<{ seconds: number; error: unknown } | undefined> {
  try {
    await send();
    return undefined;
  } catch (error) {
    if (error instanceof DeliveryError && !error.permanent && error.retryAfterSeconds !== undefined)
      return { seconds: Math.max(0, error.retryAfterSeconds), error };
    throw error;
  }
}

function later(send: () => Promise<unknown>, logger: Logger, seconds: number, attempt: number): void {
  logger.warn({ retryAfter: seconds, attempt }, 'reply rate limited: sent later, the chat goes on');
  const timer = setTimeout(async () => {
    try {
      const wait = await attemptOnce(send);
      if (wait === undefined) return;
      if (attempt >= ATTEMPTS) throw wait.error;
      later(send, logger, wait.seconds, attempt + 1);
    } catch (error) {
      logger.error({ err: error, attempt }, 'reply not delivered');
    }
  }, seconds * 1000);
  timer.unref();
}
