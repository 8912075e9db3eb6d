import type { Feature } from '../../runtime/feature';
import { openDueFollowUps } from './actions';
import { actionCommand, actionDoneButton } from './commands';
import * as messages from './messages';

export {
  type ActionReport,
  actionReports,
  type BeforeAfter,
  beforeAfter,
  type Figure,
  isAboutTopic,
  openDueFollowUps,
} from './actions';

/** Closing the loop (/hanhdong): actions per unit and topic, "you said, we did", a follow-up pulse, before/after. */
export function createFeature(): Feature {
  return {
    name: 'actions',
    commands: [actionCommand],
    buttons: [actionDoneButton],
    messages,
    jobs: (deps) => [
      {
        name: 'actions-follow-up',
        cron: '* * * * *',
        run: async (now) => void (await openDueFollowUps(deps, now)),
      },
    ],
  };
}
