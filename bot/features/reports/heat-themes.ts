import { type HeatGrid, heatCellText, heatGridPng } from '../../kernel/heatmap';
import type { Locale } from '../../kernel/i18n';
import { type ReportFormat, reportFormat } from './format';
import type { Block } from './layout';
import type { CommentTone, HeatMapSection, SituationReport, ThemeSection } from './model';

/**
 * The heat map and the comment themes in every format: blocks for the Markdown and Word files,
 * lines for the chat message, rows for the CSV and the picture's grid. They print what the
 * sections hold and compute nothing from it: a blank cell stays blank, a group below the minimum
 * is not there to print.
 */

const columnHead = (column: HeatMapSection['columns'][number]) =>
  `#${column.surveyId}·${column.question + 1}`;

export function heatGrid(report: SituationReport, f: ReportFormat): HeatGrid | undefined {
  const map = report.heatmap;
  if (!map) return undefined;
  const { t } = f;
  return {
    title: t('report.heatmap.title', { scope: report.scope.code, period: f.period(report.period) }),
    columns: map.columns.map(columnHead),
    rows: map.rows.map((row) => ({ label: row.unit.code, cells: row.cells })),
    legend: t('report.heatmap.legend', { k: report.minAnswers }),
    ...(map.previous.length > 0 ? { trendLegend: t('report.heatmap.trendWords') } : {}),
    notes: map.columns.map((column) => `${columnHead(column)}: ${column.text}`),
  };
}

/** The heat map picture (1080 px wide), or undefined when the period closed no survey. */
export function heatMapPng(report: SituationReport, locale: Locale): Uint8Array | undefined {
  const grid = heatGrid(report, reportFormat(report, locale));
  return grid ? heatGridPng(grid) : undefined;
}

const toneName = (f: ReportFormat, tone: CommentTone) => f.t(`report.tone.${tone}` as const);
const themeName = (f: ReportFormat, group: ThemeSection['groups'][number]) =>
  group.topic ? group.topic.name : f.t('report.themes.other');

export function heatThemeBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const { t } = f;
  const blocks: Block[] = [];
  const map = report.heatmap;
  if (map) {
    blocks.push(
      { kind: 'heading', level: 2, text: t('report.md.heatmap') },
      { kind: 'paragraph', text: t('report.heatmap.intro', { k: report.minAnswers }) },
      { kind: 'picture', picture: 'heatmap', alt: t('report.md.heatmap') },
      {
        kind: 'table',
        header: [t('report.heatmap.unit'), ...map.columns.map(columnHead)],
        rows: map.rows.map((row) => [f.unit(row.unit), ...row.cells.map(heatCellText)]),
        numeric: [false, ...map.columns.map(() => true)],
      },
      {
        kind: 'bullets',
        items: map.columns.map((c) => `${columnHead(c)} (${c.surveyTitle}): ${c.text}`),
      },
    );
    if (map.omitted > 0) blocks.push({ kind: 'note', text: t('report.heatmap.omitted', { n: map.omitted }) });
  }
  const themes = report.themes;
  if (themes) {
    blocks.push(
      { kind: 'heading', level: 2, text: t('report.md.themes') },
      { kind: 'paragraph', text: t('report.themes.intro', { min: themes.minGroup }) },
    );
    blocks.push(
      themes.groups.length === 0
        ? { kind: 'paragraph', text: t('report.themes.none', { min: themes.minGroup }) }
        : {
            kind: 'table',
            header: t('report.themes.header').split('|'),
            rows: themes.groups.map((g) => [themeName(f, g), toneName(f, g.tone), f.int(g.comments)]),
            numeric: [false, false, true],
          },
    );
  }
  return blocks;
}

const CHAT_THEMES = 5;

export function heatThemeLines(report: SituationReport, f: ReportFormat): string[] {
  const { t } = f;
  const lines: string[] = [];
  const map = report.heatmap;
  if (map) {
    lines.push(
      `🌡 ${t('report.heatmap.chat', { surveys: new Set(map.columns.map((c) => c.surveyId)).size })}`,
    );
  }
  const themes = report.themes;
  if (themes && themes.groups.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(`💬 ${t('report.themes.chatHeading', { min: themes.minGroup })}`);
    for (const g of themes.groups.slice(0, CHAT_THEMES)) {
      lines.push(`• ${themeName(f, g)} · ${toneName(f, g.tone)}: ${f.int(g.comments)}`);
    }
  }
  return lines;
}

type Cell = string | number | null;

/** CSV sections after the unit rows, each with its own header; withheld cells are no rows. */
export function heatThemeCsvRows(
  report: SituationReport,
  f: ReportFormat,
  text: (s: string) => string,
): Cell[][] {
  const { t } = f;
  const rows: Cell[][] = [];
  const map = report.heatmap;
  if (map) {
    rows.push([], t('report.heatmap.csvHeader').split('|'));
    for (const row of map.rows) {
      row.cells.forEach((cell, i) => {
        const column = map.columns[i]!;
        if (cell.score === null) return;
        rows.push([
          text(row.unit.code),
          text(row.unit.name),
          column.surveyId,
          column.question + 1,
          text(column.text),
          text(cell.label),
          Number(cell.score.toFixed(3)),
          cell.trend ?? '',
        ]);
      });
    }
  }
  const themes = report.themes;
  if (themes && themes.groups.length > 0) {
    rows.push([], t('report.themes.csvHeader').split('|'));
    for (const g of themes.groups) {
      rows.push([text(g.topic?.key ?? ''), text(themeName(f, g)), g.tone, g.comments]);
    }
  }
  return rows;
}
