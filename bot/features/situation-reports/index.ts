import type { Feature } from '../../runtime/feature';
import {
  askCommand,
  collaboratorsCommand,
  compileCommand,
  reportButtons,
  requestsCommand,
  sectionListener,
} from './commands';
import { situationReportJobs } from './jobs';
import * as messages from './messages';

export { blocksToDocx, blocksToMarkdown, compileBlocks } from './compile';
export { askForReports, compileDue, followUp, openDueRequests } from './requests';
export {
  applyRequestScheduleChange,
  describeRequestScheduleChange,
  planRequestSchedules,
  type RequestScheduleChange,
} from './scenario';
export { requestScheduleSchema, type ScenarioRequest } from './scenario-schema';
export { TEMPLATES } from './templates';

/** Situation reports from every cell: requests (monthly or ad hoc), drafting in chat, follow-up, the compiled report. */
export function createFeature(): Feature {
  return {
    name: 'situation-reports',
    commands: [askCommand, requestsCommand, compileCommand, collaboratorsCommand],
    buttons: [reportButtons],
    listeners: [sectionListener],
    messages,
    jobs: (deps) => situationReportJobs(deps),
  };
}
