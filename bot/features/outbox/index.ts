import type { Feature } from '../../runtime/feature';
import { outboxJob } from '../../runtime/outbox/deliver';
import { pruneOutbox } from '../../runtime/outbox/store';
import { outboxCommand } from './commands';
import * as messages from './messages';

export { allQueues, outboxText } from './commands';

/** /outbox for admins, and the job sending the one outbox (the mechanism is bot/runtime/outbox). */
export function createFeature(): Feature {
  return {
    name: 'outbox',
    commands: [outboxCommand],
    messages,
    jobs: (deps, stopping) => [
      outboxJob(deps, stopping),
      {
        name: 'outbox-prune',
        cron: '29 3 * * *',
        // A week after its moment, a sent or cancelled row has nothing left to tell.
        run: async (now) => void (await pruneOutbox(deps.db, new Date(now.getTime() - 7 * 24 * 3600_000))),
      },
    ],
  };
}
