import type { Feature } from '../../runtime/feature';

export type { ScenarioReport } from './scenario-schema';

import * as commandMessages from './commands/messages';
import { reportCommand } from './commands/report';
import * as messages from './messages';
import { reportJobs } from './schedule/runs';

export {
  escapeXml,
  FONT_FAMILY,
  rect as svgRect,
  text as svgText,
  truncate as svgTruncate,
} from '../../kernel/svg';
export { renderChartPng, svgToPng } from './chart/png';
export { collectReport } from './collect/collect';
export { resolvePeriod } from './collect/period';
export { DELIVERY_FORMATS, type DeliveryFormat, deliverReport } from './deliver';
export { renderDocx } from './docx';
export * from './model';
export { renderCsv } from './render-csv';
export { renderMarkdown } from './render-markdown';
export { CHAT_TEXT_LIMIT, renderChatText } from './render-text';
export { reportScheduleSchema } from './scenario-schema';
export { reportQueue } from './schedule/runs';
export {
  applyReportScheduleChange,
  describeReportScheduleChange,
  planReportSchedules,
  type ReportScheduleChange,
} from './schedule/scenario';

/** Situation reports of what Pulse measured: in chat, as a chart, Markdown, CSV and Word; on demand or scheduled. */
export function createFeature(): Feature {
  return {
    name: 'reports',
    commands: [reportCommand],
    messages: {
      vi: { ...messages.vi, ...commandMessages.vi },
      en: { ...messages.en, ...commandMessages.en },
    },
    jobs: (deps) => reportJobs(deps),
  };
}
