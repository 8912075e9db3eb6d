import type { Logger } from 'pino';
import { DeliveryError } from '../../kernel/errors';
import type { SendLimiter } from './budget';

/** A reply's own wait for a 429 is at most this long: longer, and it is sent later in the background. */
const INLINE_WAIT_SECONDS = 5;
const ATTEMPTS = 4;
const TRANSIENT_WAIT_SECONDS = 0.5;

export interface ReplyOptions {
  inlineWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The platform's share of the process's send budget (`budgetOf(deps)`): the reply takes the
   * `reply` lane, ahead of every fan-out, and a 429 it is told pauses the fan-outs too.
   */
  budget?: { limiter: SendLimiter; chatKey: string; isGroup: boolean };
}

/**
 * Sends an interactive reply (the answer to a person's own command or button) so that a rate
 * limit neither drops it nor holds the chat's queue: each attempt waits for the reply lane of the
 * send budget (before any bulk send); a short `retry_after` pauses the platform's budget and is
 * waited out here; a long one (a reply told to wait 60 s) lets the handler return at once — the
 * chat's next update is handled — and the reply is sent when the platform allows it, up to 4
 * attempts. Any other failure is the caller's, as before.
 */
export async function sendReply(
  send: () => Promise<unknown>,
  logger: Logger,
  options: ReplyOptions = {},
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const inline = options.inlineWaitSeconds ?? INLINE_WAIT_SECONDS;
  const paced = pacedBy(send, options.budget);
  const isPaced = options.budget !== undefined;
  for (let attempt = 1; ; attempt++) {
    const wait = await attemptOnce(paced, isPaced);
    if (wait === undefined) return;
    if (attempt >= ATTEMPTS) throw wait.error;
    if (wait.seconds > inline) {
      later(paced, isPaced, logger, wait.seconds, attempt + 1);
      return;
    }
    // A 429 pauses everyone on this platform: the next grant after the pause is this reply's.
    if (options.budget && !wait.transient) options.budget.limiter.pause(wait.seconds * 1000);
    else await sleep(wait.seconds * 1000);
  }
}

function pacedBy(send: () => Promise<unknown>, budget: ReplyOptions['budget']): () => Promise<unknown> {
  if (!budget) return send;
  return async () => {
    const done = await budget.limiter.acquire(budget.chatKey, budget.isGroup, 'reply');
    try {
      return await send();
    } finally {
      done();
    }
  };
}

/** undefined when sent; the wait the platform asked for after a 429; other errors thrown. */
async function attemptOnce(
  send: () => Promise<unknown>,
  paced: boolean,
): Promise<{ seconds: number; error: unknown; transient?: boolean } | undefined> {
  try {
    await send();
    return undefined;
  } catch (error) {
    if (error instanceof DeliveryError && !error.permanent && error.retryAfterSeconds !== undefined)
      return { seconds: Math.max(0, error.retryAfterSeconds), error };
    // A paced reply skips the platform's own auto-retry: a network or 5xx failure is retried here.
    if (paced && error instanceof DeliveryError && !error.permanent)
      return { seconds: TRANSIENT_WAIT_SECONDS, error, transient: true };
    throw error;
  }
}

function later(
  send: () => Promise<unknown>,
  paced: boolean,
  logger: Logger,
  seconds: number,
  attempt: number,
): void {
  logger.warn({ retryAfter: seconds, attempt }, 'reply rate limited: sent later, the chat goes on');
  const timer = setTimeout(async () => {
    try {
      const wait = await attemptOnce(send, paced);
      if (wait === undefined) return;
      if (attempt >= ATTEMPTS) throw wait.error;
      later(send, paced, logger, wait.seconds, attempt + 1);
    } catch (error) {
      logger.error({ err: error, attempt }, 'reply not delivered');
    }
  }, seconds * 1000);
  timer.unref();
}
