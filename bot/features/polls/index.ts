import type { Feature } from '../../runtime/feature';

export type { ScenarioPoll } from './scenario-schema';

import { flushBallotsAtStop } from './ballot-box';
import { pollAnswerButton } from './commands/poll-answer';
import { commentCommand, commentListener, commentStartPayload } from './commands/poll-comment';
import { pollCommandDefinition, pulseCommand } from './commands/poll-create';
import { privatelyStartPayload } from './commands/poll-privately';
import { closeCommand, pollsCommand, resultsCommand } from './commands/poll-results';
import { pollsHome } from './home';
import { pollJobs } from './jobs';
import * as messages from './messages';

export { pollQueue } from './deliver';
export { openScalePulse } from './open-pulse';
export { applyPollSeriesChange, type PollSeriesChange, planPollSeries } from './scenario';
export { pollSeriesSchema } from './scenario-schema';

/** Anonymous pulse polls: one-off or recurring, in groups or DMs, with comments and thresholds. */
export function createFeature(): Feature {
  return {
    name: 'polls',
    commands: [
      commentCommand,
      pulseCommand,
      pollCommandDefinition,
      pollsCommand,
      resultsCommand,
      closeCommand,
    ],
    buttons: [pollAnswerButton],
    listeners: [commentListener],
    startPayloads: [commentStartPayload, privatelyStartPayload],
    home: pollsHome,
    messages,
    jobs: (deps) => pollJobs(deps),
    stop: flushBallotsAtStop,
  };
}
