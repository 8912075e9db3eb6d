import type { Feature } from '../../runtime/feature';
import { outboxJob } from '../../runtime/outbox/deliver';
import { outboxCommand } from './commands';
import * as messages from './messages';

export { allQueues, outboxText } from './commands';

/** /outbox for admins, and the job sending the one outbox (the mechanism is bot/runtime/outbox). */
export function createFeature(): Feature {
  return {
    name: 'outbox',
    commands: [outboxCommand],
    messages,
    jobs: (deps, stopping) => [outboxJob(deps, stopping)],
  };
}
