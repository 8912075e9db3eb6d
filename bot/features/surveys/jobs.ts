import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { closeDueSurveys } from './close';
import { sendSurveyReminders } from './reminders';
import { runDueSurveySchedules } from './schedule';
import { signalSurveyTexts } from './signals';

/** The scheduler jobs of surveys: closing (and this process's lease) every 5 seconds, recurring runs. */
export function surveyJobs(deps: Deps): Job[] {
  return [
    {
      name: 'surveys-remind',
      cron: '* * * * *',
      run: async (now) => void (await sendSurveyReminders(deps, now)),
    },
    {
      // The hourly step: open-text answers of an hour that has ended go to the hot-spot matcher.
      name: 'surveys-signals',
      cron: '*/5 * * * *',
      run: async (now) => void (await signalSurveyTexts(deps, now)),
    },
    {
      name: 'surveys-schedule',
      cron: '* * * * *',
      run: async (now) => void (await runDueSurveySchedules(deps, now)),
    },
    {
      name: 'surveys-close',
      cron: '*/5 * * * * *',
      run: async (now) => void (await closeDueSurveys(deps, now)),
    },
  ];
}
