import type { ChatRef } from '../../kernel/types';
import type { Deps } from '../deps';
import { budgetOf, type SendBudget } from './budget';
import type { LatencyGauge } from './outcomes';
import { sharedRateOf } from './shared-rate';

/**
 * One message Pulse sends on its own initiative (a directive, a reminder, a hot-spot alert), paced
 * by the process's send budget (bulk lane, behind replies) and, with several processes on one
 * PostgreSQL, by the shared send rates, so every process together stays under the platform's
 * limits. One attempt: `send` must skip the platform's auto-retry (`bulk: true`), and a failure,
 * a 429 included, is the delivery engine's to handle (`bot/runtime/outbox/engine.ts`).
 */
export async function sendPaced<T>(
  deps: Pick<Deps, 'db' | 'signals' | 'config'>,
  chat: ChatRef,
  send: () => Promise<T>,
  options: { budget?: SendBudget; latency?: LatencyGauge } = {},
): Promise<T> {
  const budget = options.budget ?? budgetOf(deps);
  const done = await budget.acquire(chat, 'bulk');
  try {
    await sharedRateOf(deps)?.reserve(chat);
    // The platform's own latency, without the wait for a slot: it sets how many sends are in
    // flight, and counting the wait would reserve ever more slots ahead (seconds of them, all
    // lost with the process if it dies).
    const started = performance.now();
    const sent = await send();
    options.latency?.observe(performance.now() - started);
    return sent;
  } finally {
    done();
  }
}
