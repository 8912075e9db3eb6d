import type { Feature } from '../../runtime/feature';
import { allowRepliesButton, createFeedbackCommand } from './commands/feedback';
import { replyCommand } from './commands/reply';
import { feedbackJobs } from './jobs';
import * as messages from './messages';

export { relayDueFeedback, submitFeedback } from './feedback';

/** Anonymous feedback (/gopy) with anonymous two-way replies, relayed to leaders in hourly batches. */
export function createFeature(): Feature {
  return {
    name: 'feedback',
    commands: [createFeedbackCommand(), replyCommand],
    buttons: [allowRepliesButton],
    messages,
    jobs: (deps) => feedbackJobs(deps),
    // Workers and leaders are told in plain words; the operator learns the setting here.
    start(deps) {
      if (!deps.config.secret)
        deps.logger.warn(
          'PULSE_SECRET is not set: anonymous two-way replies to feedback are off (docs/polls.md)',
        );
    },
  };
}
