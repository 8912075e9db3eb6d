import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import { surveys } from '../../../../db/schema';
import type { Locale } from '../../../kernel/i18n';
import { buildHeatMap, type HeatMap, questionText } from '../../surveys';
import type { HeatMapSection, Period, ReportUnit } from '../model';

/** The picture stays readable up to this many question columns; older surveys drop out first. */
export const MAX_HEAT_COLUMNS = 12;

/**
 * Reported unit × question of the surveys closed in the period (whole surveys, by `closed_at`,
 * like polls). Each survey's heat map is built by the surveys feature with the reported units as
 * roll-ups, so a cell is a sum of published cells (each closed, ≥ k) or blank; the trend arrow is
 * the same sum in the survey's previous run. Undefined when no such survey touches the scope.
 */
export async function heatMapSection(
  db: DbOrTx,
  reported: readonly (ReportUnit & { path: string })[],
  period: Period,
  locale: Locale,
): Promise<HeatMapSection | undefined> {
  const closed = await db
    .select()
    .from(surveys)
    .where(
      and(eq(surveys.status, 'closed'), gte(surveys.closedAt, period.from), lt(surveys.closedAt, period.to)),
    )
    .orderBy(asc(surveys.closedAt), asc(surveys.id));
  const maps: HeatMap[] = [];
  for (const survey of closed) {
    const map = await buildHeatMap(db, survey, reported);
    if (map.units.length > 0 && map.questions.length > 0) maps.push(map);
  }
  if (maps.length === 0) return undefined;
  // The newest surveys first until the width is used up, then back in order of closing.
  const kept: HeatMap[] = [];
  let width = 0;
  for (const map of [...maps].reverse()) {
    if (width > 0 && width + map.questions.length > MAX_HEAT_COLUMNS) break;
    kept.unshift(map);
    width += map.questions.length;
  }
  const total = maps.reduce((sum, map) => sum + map.questions.length, 0);
  const columns = kept.flatMap((map) =>
    map.questions.map((q) => ({
      surveyId: map.survey.id,
      surveyTitle: map.survey.title,
      question: q.index,
      text: questionText(map.survey.questions[q.index]!, locale),
    })),
  );
  const rows = reported
    .filter((unit) => kept.some((map) => map.units.some((row) => row.unitId === unit.id)))
    .map((unit) => ({
      unit: { id: unit.id, code: unit.code, name: unit.name },
      cells: kept.flatMap((map) => {
        const row = map.units.find((r) => r.unitId === unit.id);
        return map.questions.map((_, i) => row?.cells[i] ?? { score: null, label: '', trend: null });
      }),
    }));
  return {
    columns,
    previous: kept.flatMap((map) =>
      map.previousId === null ? [] : [{ surveyId: map.survey.id, previousId: map.previousId }],
    ),
    rows,
    omitted: total - columns.length,
  };
}
