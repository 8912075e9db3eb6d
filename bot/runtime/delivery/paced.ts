import { DeliveryError } from '../../kernel/errors';
import type { ChatRef, SentRef } from '../../kernel/types';
import type { Deps } from '../deps';
import { budgetOf, type SendBudget } from './budget';
import type { LatencyGauge } from './outcomes';
import { sharedRateOf } from './shared-rate';

/** Short rate limits are waited out here, pausing every send of this process, then retried in line. */
const INLINE_RETRY_MAX_SECONDS = 30;
const INLINE_RETRIES = 3;

/**
 * One message Pulse sends on its own initiative (a directive, a reminder, a hot-spot alert), paced
 * by the process's send budget (bulk lane, behind replies) and, with several processes on one
 * PostgreSQL, by the shared send rates, so every process together stays under the platform's
 * limits. `send` must skip the platform's auto-retry (`bulk: true`): a short `retry_after` is waited
 * out here, told to every process, and the message retried in line; anything else is the caller's.
 */
export async function sendPaced(
  deps: Pick<Deps, 'db' | 'signals' | 'config'>,
  chat: ChatRef,
  send: () => Promise<SentRef>,
  options: { budget?: SendBudget; latency?: LatencyGauge } = {},
): Promise<SentRef> {
  const budget = options.budget ?? budgetOf(deps);
  const shared = sharedRateOf(deps);
  for (let retry = 0; ; retry++) {
    const done = await budget.acquire(chat, 'bulk');
    try {
      await shared?.reserve(chat);
      // The platform's own latency, without the wait for a slot: it sets how many sends are in
      // flight, and counting the wait would reserve ever more slots ahead (seconds of them, all
      // lost with the process if it dies).
      const started = performance.now();
      const sent = await send();
      options.latency?.observe(performance.now() - started);
      return sent;
    } catch (error) {
      const seconds =
        error instanceof DeliveryError && !error.permanent ? error.retryAfterSeconds : undefined;
      if (seconds === undefined || seconds > INLINE_RETRY_MAX_SECONDS || retry >= INLINE_RETRIES) throw error;
      budget.pause(chat.platform, seconds * 1000);
      // Told to every process; if the database is away, this process's own pause still holds.
      await shared?.pause(chat.platform, seconds * 1000).catch(() => {});
    } finally {
      done();
    }
  }
}
