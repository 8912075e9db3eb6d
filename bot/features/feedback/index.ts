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
  };
}
