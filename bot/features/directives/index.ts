import type { Feature } from '../../runtime/feature';

export type { ScenarioDirective } from './scenario-schema';

import { directiveAckButton } from './commands/directive-ack';
import { directiveReaction } from './commands/directive-reaction';
import {
  cancelCommand,
  directivesCommand,
  previewCommand,
  pushCommand,
  reachCommand,
} from './commands/directives';
import { directivesHome } from './home';
import { directiveJobs } from './jobs';
import * as messages from './messages';

export { ACK_EDIT_THROTTLE_MS, deliveredTo, recordAck, refreshAckCount } from './acks';
export { audienceScope } from './audience';
export { deliverDue, directiveQueue } from './delivery';
export {
  cancelDirective,
  type DirectiveRow,
  findDirective,
  findDirectiveById,
  listDirectives,
} from './directives';
export { createDirectiveTick, DIRECTIVES_TICK, directiveJobs } from './jobs';
export { materialiseDue, materialiseReminders, queueOccurrence } from './materialise';
export { ACK_PREFIX, directiveMessage } from './message';
export {
  applyDirectiveChange,
  type DirectiveChange,
  type DirectiveValues,
  planDirectives,
  type ScenarioProblem,
} from './plan';
export { directiveReach, directiveSummaries } from './reach';
export { directiveSchema } from './scenario-schema';
export { nextOccurrence } from './schedule';

/** The year's directives pushed to every unit's chats on a schedule, with acknowledgements and reach. */
export function createFeature(): Feature {
  return {
    name: 'directives',
    commands: [directivesCommand, pushCommand, previewCommand, cancelCommand, reachCommand],
    buttons: [directiveAckButton],
    reactions: [directiveReaction],
    home: directivesHome,
    messages,
    jobs: (deps, stopping) => directiveJobs(deps, stopping),
  };
}
