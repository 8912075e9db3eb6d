import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { surveys, units } from '../../../db/schema';
import {
  type HeatCell,
  type HeatGrid,
  heatCellText,
  heatGridPng,
  heatGridSvg,
  trendBetween,
} from '../../kernel/heatmap';
import type { Locale } from '../../kernel/i18n';
import type { Translate } from '../../messages';
import { npsOf, questionText, type SurveyResults, scaleMean, surveyResults } from './results';
import type { SurveyQuestion, SurveyRow } from './types';

export type { HeatCell, Trend } from '../../kernel/heatmap';

export interface HeatMap {
  survey: SurveyRow;
  previousId: number | null;
  questions: { index: number; label: string }[];
  units: { unitId: number; code: string; cells: HeatCell[] }[];
}

/** A cell's score: scale mean on 0–1, share of "yes", eNPS on 0–1; a choice has none (its top share). */
export function heatScore(
  question: SurveyQuestion,
  counts: readonly number[],
): { score: number; label: string } {
  const n = counts.reduce((a, b) => a + b, 0);
  switch (question.kind) {
    case 'scale': {
      const mean = scaleMean(counts);
      return { score: (mean - 1) / 4, label: mean.toFixed(1) };
    }
    case 'yesno': {
      const yes = n === 0 ? 0 : (counts[0] ?? 0) / n;
      return { score: yes, label: `${Math.round(yes * 100)}%` };
    }
    case 'nps': {
      const nps = npsOf(counts).index;
      return { score: (nps + 100) / 200, label: `${nps > 0 ? '+' : ''}${nps}` };
    }
    default: {
      const top = counts.reduce((best, c, i) => (c > (counts[best] ?? 0) ? i : best), 0);
      const share = n === 0 ? 0 : (counts[top] ?? 0) / n;
      return {
        score: share,
        label: `${(question.options?.[top] ?? '').slice(0, 8)} ${Math.round(share * 100)}%`,
      };
    }
  }
}

/** The same question in another run: by bank id, or by position in runs of one template. */
function sameQuestion(a: SurveyQuestion, aIndex: number, b: SurveyQuestion, bIndex: number): boolean {
  if (a.bankId || b.bankId) return a.bankId === b.bankId;
  return aIndex === bIndex && a.kind === b.kind && a.text.vi === b.text.vi;
}

/** The run before this one: the last closed survey of the same template, or the last bank pulse. */
export async function previousRun(db: DbOrTx, survey: SurveyRow): Promise<SurveyRow | undefined> {
  const sameSeries = survey.templateKey
    ? eq(surveys.templateKey, survey.templateKey)
    : survey.bankRun !== null
      ? lt(surveys.bankRun, survey.bankRun)
      : undefined;
  if (!sameSeries) return undefined;
  const [row] = await db
    .select()
    .from(surveys)
    .where(and(sameSeries, eq(surveys.status, 'closed'), lt(surveys.id, survey.id)))
    .orderBy(desc(surveys.id))
    .limit(1);
  return row;
}

/** A unit cells are summed into (a report's unit row: its whole subtree). */
export interface RollUpUnit {
  id: number;
  code: string;
  path: string;
}

/**
 * The published cells of a question per row unit: each stored cell as it is, or, with `rollUp`,
 * the shown cells of each row unit's subtree summed. A sum of shown cells (each ≥ k) is a published
 * figure by the one rule (kernel/anonymity): two such sums differ by whole cells of ≥ k answers.
 */
async function publishedCells(
  db: DbOrTx,
  results: SurveyResults,
  rollUp: readonly RollUpUnit[] | undefined,
): Promise<Map<number, { code: string; counts: Map<number, number[]> }>> {
  const out = new Map<number, { code: string; counts: Map<number, number[]> }>();
  const unitIds = [...new Set(results.questions.flatMap((q) => q.cells.map((c) => c.unitId)))];
  const paths = new Map<number, string>();
  if (rollUp && unitIds.length > 0) {
    const rows = await db
      .select({ id: units.id, path: units.path })
      .from(units)
      .where(inArray(units.id, unitIds));
    for (const row of rows) paths.set(row.id, row.path);
  }
  for (const question of results.questions) {
    for (const cell of question.cells) {
      if (!cell.shown) continue;
      const targets = rollUp
        ? rollUp.filter((unit) => (paths.get(cell.unitId) ?? '').startsWith(unit.path))
        : [{ id: cell.unitId, code: cell.code }];
      for (const target of targets) {
        const row = out.get(target.id) ?? { code: target.code, counts: new Map<number, number[]>() };
        out.set(target.id, row);
        const sum = row.counts.get(question.index) ?? [];
        cell.counts.forEach((c, i) => {
          sum[i] = (sum[i] ?? 0) + c;
        });
        row.counts.set(question.index, sum);
      }
    }
  }
  return out;
}

/**
 * Unit × question, from the published cells only (closed, ≥ k): a cell below k is blank, not
 * coloured and not labelled; a unit with no published cell is no row. Trend arrows compare a cell
 * with the same unit's published cell of the same question in the previous run — a difference of two
 * published cells, each ≥ k, so it exposes nothing the two cells do not. With `rollUp` (a report's
 * unit rows), a row is the sum of the shown cells of that unit's subtree.
 */
export async function buildHeatMap(
  db: DbOrTx,
  survey: SurveyRow,
  rollUp?: readonly RollUpUnit[],
): Promise<HeatMap> {
  const current = await surveyResults(db, survey);
  const before = await previousRun(db, survey);
  const previous: SurveyResults | undefined = before ? await surveyResults(db, before) : undefined;
  const columns = current.questions.filter((q) => q.question.kind !== 'text');
  const now = await publishedCells(db, current, rollUp);
  const then = previous ? await publishedCells(db, previous, rollUp) : new Map();
  const order = rollUp ? rollUp.map((u) => u.id).filter((id) => now.has(id)) : [...now.keys()];
  const rows = order.map((unitId) => {
    const row = now.get(unitId)!;
    return {
      unitId,
      code: row.code,
      cells: columns.map((column): HeatCell => {
        const counts = row.counts.get(column.index);
        if (!counts) return { score: null, label: '', trend: null };
        const { score, label } = heatScore(column.question, counts);
        const earlier = previous?.questions.find((q) =>
          sameQuestion(q.question, q.index, column.question, column.index),
        );
        const old = earlier ? then.get(unitId)?.counts.get(earlier.index) : undefined;
        const trend = trendBetween(
          score,
          old && earlier ? heatScore(earlier.question, old).score : undefined,
        );
        return { score, label, trend };
      }),
    };
  });
  return {
    survey,
    previousId: before?.id ?? null,
    questions: columns.map((column) => ({ index: column.index, label: `${column.index + 1}` })),
    units: rows,
  };
}

/** The picture's grid: the kernel draws it (reports draw theirs with the same code). */
function heatGrid(map: HeatMap, t: Translate, locale: Locale): HeatGrid {
  return {
    title: t('surveys.heatmap.title', { id: map.survey.id, title: map.survey.title }),
    columns: map.questions.map((q) => t('surveys.heatmap.question', { n: q.label })),
    rows: map.units.map((unit) => ({ label: unit.code, cells: unit.cells })),
    legend: t('surveys.heatmap.legend', { k: map.survey.minAnswers }),
    ...(map.previousId !== null
      ? { trendLegend: t('surveys.heatmap.trendWords', { id: map.previousId }) }
      : {}),
    notes: map.questions.map(
      (q) =>
        `${t('surveys.heatmap.question', { n: q.label })}: ${questionText(map.survey.questions[q.index]!, locale)}`,
    ),
  };
}

/** The heat map as SVG (1080 wide): units down, questions across, blank cells below k. */
export function heatMapSvg(map: HeatMap, t: Translate, locale: Locale = 'vi'): string {
  return heatGridSvg(heatGrid(map, t, locale));
}

export function heatMapPng(map: HeatMap, t: Translate, locale: Locale = 'vi'): Uint8Array {
  return heatGridPng(heatGrid(map, t, locale));
}

/** The same grid as a Markdown table: a blank cell is empty, never a number. */
export function heatMapMarkdown(map: HeatMap, t: Translate, locale: Locale): string {
  const header = [
    t('surveys.heatmap.unit'),
    ...map.questions.map((q) => t('surveys.heatmap.question', { n: q.label })),
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...map.units.map(
      (unit) =>
        `| ${unit.code} | ${unit.cells.map((cell) => (cell.score === null ? '' : heatCellText(cell))).join(' | ')} |`,
    ),
  ];
  const legend = map.questions
    .map((q) => `${q.label}. ${questionText(map.survey.questions[q.index]!, locale)}`)
    .join('\n');
  return `${lines.join('\n')}\n\n${legend}`;
}

/** CSV: one row per (unit, question) published cell; withheld cells are not rows. */
export function heatMapCsv(map: HeatMap): string {
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const rows = ['survey,unit,question,value,score,trend'];
  for (const unit of map.units) {
    unit.cells.forEach((cell, i) => {
      if (cell.score === null) return;
      rows.push(
        [
          String(map.survey.id),
          unit.code,
          map.questions[i]!.label,
          cell.label,
          cell.score.toFixed(3),
          cell.trend ?? '',
        ]
          .map(quote)
          .join(','),
      );
    });
  }
  return `${rows.join('\n')}\n`;
}
