import type { Locale } from '../../../kernel/i18n';
import { svgToPng } from '../../../kernel/png';
import type { SituationReport } from '../model';
import { chartSvg } from './chart';

export { CHART_FONT_FILES, svgToPng } from '../../../kernel/png';

/** The report's chart as a PNG 1080 pixels wide: mood per unit over time and hot spots per topic. */
export function renderChartPng(report: SituationReport, locale: Locale): Uint8Array {
  return svgToPng(chartSvg(report, locale));
}
