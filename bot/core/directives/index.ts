export { ACK_EDIT_THROTTLE_MS, deliveredTo, recordAck, refreshAckCount } from './acks';
export { audienceScope } from './audience';
export { deliverDue } from './delivery';
export {
  cancelDirective,
  type DirectiveRow,
  findDirective,
  findDirectiveById,
  listDirectives,
} from './directives';
export { createDirectiveTick, DIRECTIVES_TICK, directiveJobs } from './jobs';
export { SendLimiter } from './limiter';
export { materialiseDue, materialiseReminders, queueOccurrence } from './materialise';
export { ACK_PREFIX, directiveMessage } from './message';
export { directiveReach, directiveSummaries } from './reach';
export { nextOccurrence } from './schedule';
