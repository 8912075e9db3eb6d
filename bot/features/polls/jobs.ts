import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { closeDuePolls, settleClosing } from './close';
import { flushComments } from './comments';
import { deliverPending } from './deliver';
import { refreshParticipation } from './participation';
import { sendDueReminders } from './reminders';
import { runDueSeries } from './series';

/** The scheduler jobs of polls; `bot/app.ts` registers them. Each reads what is due from the database. */
export function pollJobs(deps: Deps): Job[] {
  return [
    { name: 'polls-series', cron: '* * * * *', run: async (now) => void (await runDueSeries(deps, now)) },
    { name: 'polls-close', cron: '* * * * *', run: async (now) => void (await closeDuePolls(deps, now)) },
    {
      // Renews this process's lease and writes its ballots of closing polls, so closing waits seconds.
      name: 'polls-ballots',
      cron: '*/5 * * * * *',
      run: async (now) => void (await settleClosing(deps, now)),
    },
    {
      // The hourly step: comments of an hour that has ended go out as one shuffled batch.
      name: 'polls-comments',
      cron: '*/5 * * * *',
      run: async (now) => void (await flushComments(deps, now)),
    },
    { name: 'polls-remind', cron: '* * * * *', run: async (now) => void (await sendDueReminders(deps, now)) },
    {
      name: 'polls-deliver',
      cron: '*/10 * * * * *',
      run: async () => void (await deliverPending(deps, { wake: true })),
    },
    {
      name: 'polls-participation',
      cron: '*/5 * * * * *',
      run: async () => void (await refreshParticipation(deps)),
    },
  ];
}
