import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { closeDueSurveys } from './close';

/** The scheduler jobs of surveys: closing (and this process's lease) every 5 seconds. */
export function surveyJobs(deps: Deps): Job[] {
  return [
    {
      name: 'surveys-close',
      cron: '*/5 * * * * *',
      run: async (now) => void (await closeDueSurveys(deps, now)),
    },
  ];
}
