import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { purgeExpiredHandles, relayDueFeedback } from './feedback';

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
