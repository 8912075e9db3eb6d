import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { surveyCells, surveyTexts, surveyUnits, units } from '../../../db/schema';
import { isPublishable, MIN_THRESHOLD } from '../../kernel/anonymity';
import type { Locale } from '../../kernel/i18n';
import type { Translate } from '../../messages';
import { optionCount, SCALE_LABELS, type SurveyQuestion, type SurveyRow } from './types';

export interface UnitCell {
  unitId: number;
  code: string;
  name: string;
  n: number;
  counts: number[];
  /** Closed, and at least k answers to this question in this unit. */
  shown: boolean;
}

export interface QuestionResult {
  index: number;
  question: SurveyQuestion;
  /** The sum of the shown cells only: a hidden cell is in no total, so nothing subtracts to it. */
  total: { n: number; counts: number[] };
  cells: UnitCell[];
  /** Open text of shown cells only. */
  texts: string[];
}

export interface SurveyResults {
  survey: SurveyRow;
  closed: boolean;
  questions: QuestionResult[];
  /** People who finished, summed over units with at least k of them. */
  finished: number;
}

/** The k of a question: open text has its own (10 by default), never below the floor. */
export function thresholdOf(
  survey: Pick<SurveyRow, 'minAnswers' | 'minTexts'>,
  question: SurveyQuestion,
): number {
  return Math.max(question.kind === 'text' ? survey.minTexts : survey.minAnswers, MIN_THRESHOLD);
}

/**
 * Results per question and unit under the one rule (kernel/anonymity `isPublishable`): a cell is
 * shown only when the survey is closed and the cell holds at least k answers to that question; the
 * totals sum the shown cells only. Texts are read only from shown cells.
 */
export async function surveyResults(db: DbOrTx, survey: SurveyRow): Promise<SurveyResults> {
  const closed = survey.status === 'closed';
  const rows = await db
    .select({
      question: surveyCells.question,
      unitId: surveyCells.unitId,
      n: surveyCells.n,
      counts: surveyCells.counts,
      code: units.code,
      name: units.name,
    })
    .from(surveyCells)
    .innerJoin(units, eq(units.id, surveyCells.unitId))
    .where(eq(surveyCells.surveyId, survey.id))
    .orderBy(units.path);
  const questions: QuestionResult[] = survey.questions.map((question, index) => {
    const k = thresholdOf(survey, question);
    const options = optionCount(question);
    const cells = rows
      .filter((row) => row.question === index)
      .map((row) => ({
        unitId: row.unitId,
        code: row.code,
        name: row.name,
        n: row.n,
        counts: Array.from({ length: options }, (_, i) => row.counts[i] ?? 0),
        shown: isPublishable({ closed, k, n: row.n }),
      }));
    const total = { n: 0, counts: new Array<number>(options).fill(0) };
    for (const cell of cells) {
      if (!cell.shown) continue;
      total.n += cell.n;
      cell.counts.forEach((c, i) => {
        total.counts[i] = (total.counts[i] ?? 0) + c;
      });
    }
    return { index, question, total, cells, texts: [] };
  });
  for (const result of questions) {
    if (result.question.kind !== 'text') continue;
    const shownUnits = result.cells.filter((cell) => cell.shown).map((cell) => cell.unitId);
    if (shownUnits.length === 0) continue;
    const texts = await db
      .select({ text: surveyTexts.text })
      .from(surveyTexts)
      .where(
        and(
          eq(surveyTexts.surveyId, survey.id),
          eq(surveyTexts.question, result.index),
          inArray(surveyTexts.unitId, shownUnits),
        ),
      )
      .orderBy(surveyTexts.id);
    result.texts = texts.map((row) => row.text);
  }
  const finishedRows = await db.select().from(surveyUnits).where(eq(surveyUnits.surveyId, survey.id));
  const finished = finishedRows
    .filter((row) => isPublishable({ closed, k: survey.minAnswers, n: row.finished }))
    .reduce((sum, row) => sum + row.finished, 0);
  return { survey, closed, questions, finished };
}

/** The eNPS of 0–10 counts: % promoters (9–10) minus % detractors (0–6), rounded. */
export function npsOf(counts: readonly number[]): { index: number; promoters: number; detractors: number } {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return { index: 0, promoters: 0, detractors: 0 };
  const promoters = (counts[9] ?? 0) + (counts[10] ?? 0);
  const detractors = counts.slice(0, 7).reduce((a, b) => a + b, 0);
  const p = (100 * promoters) / n;
  const d = (100 * detractors) / n;
  return { index: Math.round(p - d), promoters: Math.round(p), detractors: Math.round(d) };
}

/** The mean of a 1–5 scale's counts. */
export function scaleMean(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  return counts.reduce((sum, c, i) => sum + c * (i + 1), 0) / n;
}

/** The figure of a cell in one short phrase (also the heat map's value). */
export function headline(question: SurveyQuestion, counts: readonly number[], t: Translate): string {
  const n = counts.reduce((a, b) => a + b, 0);
  const pct = (c: number) => (n === 0 ? 0 : Math.round((100 * c) / n));
  switch (question.kind) {
    case 'scale':
      return t('surveys.results.mean', { mean: scaleMean(counts).toFixed(1) });
    case 'nps': {
      const nps = npsOf(counts);
      const sign = nps.index > 0 ? '+' : '';
      return t('surveys.results.nps', { index: `${sign}${nps.index}`, p: nps.promoters, d: nps.detractors });
    }
    case 'yesno':
      return t('surveys.results.yesno', { yes: pct(counts[0] ?? 0), no: pct(counts[1] ?? 0) });
    case 'choice':
      return (question.options ?? []).map((option, i) => `${option} ${pct(counts[i] ?? 0)}%`).join(' · ');
    case 'text':
      return '';
  }
}

export function questionText(question: SurveyQuestion, locale: Locale): string {
  return locale === 'en' && question.text.en ? question.text.en : question.text.vi;
}

const MAX_TEXTS_SHOWN = 10;

/** The results as text (markup-free). Hidden cells say only that they are below k, never a count. */
export function renderResults(results: SurveyResults, t: Translate, locale: Locale): string {
  const { survey } = results;
  const lines = [t('surveys.results.header', { id: survey.id, title: survey.title })];
  if (!results.closed) {
    lines.push(t('surveys.results.notClosed'));
    return lines.join('\n');
  }
  lines.push(t('surveys.results.finished', { n: results.finished, k: survey.minAnswers }));
  for (const result of results.questions) {
    const k = thresholdOf(survey, result.question);
    lines.push('');
    lines.push(`${result.index + 1}/${survey.questions.length}. ${questionText(result.question, locale)}`);
    if (result.total.n === 0) {
      lines.push(`   ${t('surveys.results.withheld', { k })}`);
      continue;
    }
    if (result.question.kind === 'text') {
      lines.push(`   ${t('surveys.results.texts', { n: result.total.n })}`);
      for (const text of result.texts.slice(0, MAX_TEXTS_SHOWN))
        lines.push(`   – ${text.replace(/\s+/g, ' ')}`);
      continue;
    }
    lines.push(
      `   ${t('surveys.results.all', { n: result.total.n })}: ${headline(result.question, result.total.counts, t)}`,
    );
    if (result.question.kind === 'scale')
      lines.push(`   ${result.total.counts.map((c, i) => `${SCALE_LABELS[i]}: ${c}`).join(' · ')}`);
    // A unit below k is not listed at all: "below k" would itself say that someone there answered.
    for (const cell of result.cells.filter((c) => c.shown))
      lines.push(`   • ${cell.code} (${cell.n}): ${headline(result.question, cell.counts, t)}`);
  }
  lines.push(
    '',
    t('surveys.results.footnote', { k: survey.minAnswers, kText: Math.max(survey.minTexts, MIN_THRESHOLD) }),
  );
  if (survey.lostBallots > 0) lines.push('', t('surveys.results.lost', { n: survey.lostBallots }));
  return lines.join('\n');
}
