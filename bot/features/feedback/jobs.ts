import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { flushFeedback, purgeExpiredHandles, relayDueFeedback } from './feedback';
import { outboxOf } from './outbox';

/** Feedback's scheduler jobs; `bot/app.ts` registers them. */
export function feedbackJobs(deps: Deps): Job[] {
  return [
    {
      name: 'feedback-relay',
      cron: '*/5 * * * *',
      run: async (now) => void (await relayDueFeedback(deps, now)),
    },
    {
      name: 'feedback-purge-handles',
      cron: '7 * * * *',
      run: async (now) => void (await purgeExpiredHandles(deps.db, now)),
    },
  ];
}

/**
 * A graceful stop (SIGTERM) writes everything this process holds, the current hour's feedback too, as
 * one shuffled batch; the next relay sends it once its hour has ended. Only a kill -9 loses it.
 */
export async function flushFeedbackAtStop(deps: Deps): Promise<void> {
  const held = outboxOf(deps).held();
  if (held === 0) return;
  try {
    await flushFeedback(deps, deps.clock.now(), { all: true });
  } catch (error) {
    deps.logger.error({ err: error }, 'held feedback could not be written at shutdown');
  }
}
