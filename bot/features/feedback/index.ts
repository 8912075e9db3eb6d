import type { Feature } from '../../runtime/feature';
import { allowRepliesButton, createFeedbackCommand, sendNowButton } from './commands/feedback';
import { replyCommand } from './commands/reply';
import { feedbackJobs, flushFeedbackAtStop } from './jobs';
import * as messages from './messages';

export { flushFeedback, relayDueFeedback, submitFeedback } from './feedback';
export { SlidingWindowLimiter } from './rate-limit';

/** Anonymous feedback (/gopy) with anonymous two-way replies, relayed to leaders in hourly batches. */
export function createFeature(): Feature {
  return {
    name: 'feedback',
    commands: [createFeedbackCommand(), replyCommand],
    buttons: [allowRepliesButton, sendNowButton],
    messages,
    jobs: (deps) => feedbackJobs(deps),
    stop: flushFeedbackAtStop,
    // Workers and leaders are told in plain words; the operator learns the setting here.
    start(deps) {
      if (!deps.config.secret)
        deps.logger.warn(
          'PULSE_SECRET is not set: anonymous two-way replies to feedback are off (docs/polls.md)',
        );
    },
  };
}
