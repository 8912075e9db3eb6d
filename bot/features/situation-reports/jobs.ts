import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { compileDue, followUp, openDueRequests } from './requests';

/** Every minute: open scheduled requests, follow up units that have not reported, compile at the deadline. */
export function situationReportJobs(deps: Deps): Job[] {
  return [
    {
      name: 'situation-reports',
      cron: '17 * * * * *',
      run: async (now) => {
        await openDueRequests(deps, now);
        await followUp(deps, now);
        await compileDue(deps, now);
      },
    },
  ];
}
