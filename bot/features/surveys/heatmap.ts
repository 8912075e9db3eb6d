import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { surveys } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import type { Translate } from '../../messages';
import { FONT_FAMILY, svgRect, svgText, svgToPng, svgTruncate } from '../reports';
import { npsOf, questionText, type SurveyResults, scaleMean, surveyResults } from './results';
import type { SurveyQuestion, SurveyRow } from './types';

export type Trend = 'up' | 'down' | 'flat' | null;

export interface HeatCell {
  /** 0 (worst) … 1 (best); null when the cell is withheld (below k) — drawn blank. */
  score: number | null;
  label: string;
  trend: Trend;
}

export interface HeatMap {
  survey: SurveyRow;
  previousId: number | null;
  questions: { index: number; label: string }[];
  units: { unitId: number; code: string; cells: HeatCell[] }[];
}

const TREND_STEP = 0.05;

/** A cell's score: scale mean on 0–1, share of "yes", eNPS on 0–1; a choice has none (its top share). */
function scoreOf(question: SurveyQuestion, counts: readonly number[]): { score: number; label: string } {
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
async function previousRun(db: DbOrTx, survey: SurveyRow): Promise<SurveyRow | undefined> {
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

/**
 * Unit × question, from the published cells only (closed, ≥ k): a cell below k is blank, not
 * coloured and not labelled; a unit with no published cell is no row. Trend arrows compare a cell
 * with the same unit's published cell of the same question in the previous run — a difference of two
 * published cells, each ≥ k, so it exposes nothing the two cells do not.
 */
export async function buildHeatMap(db: DbOrTx, survey: SurveyRow): Promise<HeatMap> {
  const current = await surveyResults(db, survey);
  const before = await previousRun(db, survey);
  const previous: SurveyResults | undefined = before ? await surveyResults(db, before) : undefined;
  const columns = current.questions.filter((q) => q.question.kind !== 'text');
  const unitIds = new Map<number, string>();
  for (const column of columns)
    for (const cell of column.cells) if (cell.shown) unitIds.set(cell.unitId, cell.code);
  const units = [...unitIds].map(([unitId, code]) => ({
    unitId,
    code,
    cells: columns.map((column): HeatCell => {
      const cell = column.cells.find((c) => c.unitId === unitId && c.shown);
      if (!cell) return { score: null, label: '', trend: null };
      const { score, label } = scoreOf(column.question, cell.counts);
      const earlier = previous?.questions.find((q) =>
        sameQuestion(q.question, q.index, column.question, column.index),
      );
      const old = earlier?.cells.find((c) => c.unitId === unitId && c.shown);
      let trend: Trend = null;
      if (old && earlier) {
        const delta = score - scoreOf(earlier.question, old.counts).score;
        trend = delta > TREND_STEP ? 'up' : delta < -TREND_STEP ? 'down' : 'flat';
      }
      return { score, label, trend };
    }),
  }));
  return {
    survey,
    previousId: before?.id ?? null,
    questions: columns.map((column) => ({ index: column.index, label: `${column.index + 1}` })),
    units,
  };
}

const ARROW: Record<Exclude<Trend, null>, string> = { up: '↑', down: '↓', flat: '→' };

/** A filled triangle (up, down) or a right-pointing one (flat), 16 px, centred on (x, y). */
function trendShape(x: number, y: number, trend: Exclude<Trend, null>): string {
  const points =
    trend === 'up'
      ? [
          [x - 8, y + 7],
          [x + 8, y + 7],
          [x, y - 8],
        ]
      : trend === 'down'
        ? [
            [x - 8, y - 7],
            [x + 8, y - 7],
            [x, y + 8],
          ]
        : [
            [x - 7, y - 8],
            [x - 7, y + 8],
            [x + 8, y],
          ];
  const fill = trend === 'up' ? '#1b7f3b' : trend === 'down' ? '#b3261e' : '#5f6b7a';
  return `<polygon points="${points.map(([px, py]) => `${px},${py}`).join(' ')}" fill="${fill}"/>`;
}

/** Red (0) through yellow to green (1). */
function colourOf(score: number): string {
  const s = Math.min(1, Math.max(0, score));
  const hue = Math.round(s * 120);
  return `hsl(${hue}, 60%, 72%)`;
}

const WIDTH = 1080;
const PAD = 40;
const ROW = 64;
const HEAD = 150;
const LABEL = 190;

/** The heat map as SVG (1080 wide): units down, questions across, blank cells below k. */
export function heatMapSvg(map: HeatMap, t: Translate, locale: Locale = 'vi'): string {
  const columns = Math.max(1, map.questions.length);
  const cellWidth = (WIDTH - 2 * PAD - LABEL) / columns;
  const height = HEAD + Math.max(1, map.units.length) * ROW + 130 + map.questions.length * 32;
  const parts: string[] = [svgRect(0, 0, WIDTH, height, '#ffffff')];
  parts.push(
    svgText(
      PAD,
      PAD + 30,
      svgTruncate(
        t('surveys.heatmap.title', { id: map.survey.id, title: map.survey.title }),
        WIDTH - 2 * PAD,
        30,
      ),
      {
        size: 30,
        weight: 'bold',
      },
    ),
  );
  map.questions.forEach((question, i) => {
    const x = PAD + LABEL + i * cellWidth + cellWidth / 2;
    parts.push(
      svgText(x, HEAD - 20, t('surveys.heatmap.question', { n: question.label }), {
        size: 24,
        anchor: 'middle',
      }),
    );
  });
  map.units.forEach((unit, r) => {
    const y = HEAD + r * ROW;
    parts.push(
      svgText(PAD, y + ROW / 2 + 9, svgTruncate(unit.code, LABEL - 10, 26), { size: 26, weight: 'bold' }),
    );
    unit.cells.forEach((cell, c) => {
      const x = PAD + LABEL + c * cellWidth;
      if (cell.score === null) {
        parts.push(svgRect(x + 3, y + 3, cellWidth - 6, ROW - 6, '#f3f4f6', 6));
        return;
      }
      parts.push(svgRect(x + 3, y + 3, cellWidth - 6, ROW - 6, colourOf(cell.score), 6));
      // The shipped font has no arrows: a trend is a small drawn triangle right of the label.
      const shift = cell.trend ? 12 : 0;
      parts.push(
        svgText(x + cellWidth / 2 - shift, y + ROW / 2 + 8, svgTruncate(cell.label, cellWidth - 40, 22), {
          size: 22,
          anchor: 'middle',
        }),
      );
      if (cell.trend) parts.push(trendShape(x + cellWidth - 22, y + ROW / 2, cell.trend));
    });
  });
  const footY = HEAD + Math.max(1, map.units.length) * ROW + 40;
  parts.push(
    svgText(PAD, footY, t('surveys.heatmap.legend', { k: map.survey.minAnswers }), {
      size: 22,
      fill: '#5f6b7a',
    }),
  );
  map.questions.forEach((question, i) => {
    const label = `${t('surveys.heatmap.question', { n: question.label })}: ${questionText(map.survey.questions[question.index]!, locale)}`;
    parts.push(svgText(PAD, footY + 80 + i * 32, svgTruncate(label, WIDTH - 2 * PAD, 22), { size: 22 }));
  });
  if (map.previousId !== null) {
    parts.push(trendShape(PAD + 8, footY + 27, 'up'), trendShape(PAD + 30, footY + 27, 'down'));
    parts.push(trendShape(PAD + 52, footY + 27, 'flat'));
    parts.push(
      svgText(PAD + 70, footY + 34, t('surveys.heatmap.trendWords', { id: map.previousId }), {
        size: 22,
        fill: '#5f6b7a',
      }),
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT_FAMILY}">` +
    parts.join('') +
    '</svg>'
  );
}

export function heatMapPng(map: HeatMap, t: Translate, locale: Locale = 'vi'): Uint8Array {
  return svgToPng(heatMapSvg(map, t, locale), WIDTH);
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
        `| ${unit.code} | ${unit.cells.map((cell) => (cell.score === null ? '' : `${cell.label}${cell.trend ? ` ${ARROW[cell.trend]}` : ''}`)).join(' | ')} |`,
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
