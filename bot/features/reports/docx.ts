import type { Locale } from '../../kernel/i18n';
import type { SituationReport } from './model';

/**
 * The Word file of a report. The renderer and the docx package it draws on are loaded on first
 * use: together they cost tens of milliseconds of every start, and most starts render none.
 */
export async function renderDocx(report: SituationReport, locale: Locale): Promise<Uint8Array> {
  const renderer = await import('./render-docx');
  return renderer.renderDocx(report, locale);
}
