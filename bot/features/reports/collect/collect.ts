import { asc, eq } from 'drizzle-orm';
import { units } from '../../../../db/schema';
import { MIN_ANSWERS, suppress } from '../../../kernel/anonymity';
import type { Locale } from '../../../kernel/i18n';
import type { Deps } from '../../../runtime/deps';
import { falseAlarmRates, topicClassifier } from '../../hotspots';
import type { UnitRow } from '../../org';
import {
  type Figure,
  NONE,
  type Period,
  type PulseFigures,
  type ReportUnit,
  type SituationReport,
  shown,
  WITHHELD,
} from '../model';
import { directiveRows } from './directives';
import { feedbackCount } from './feedback';
import { heatMapSection } from './heatmap';
import { hotspotRows } from './hotspots';
import { loopSection } from './loop';
import { previousPeriod, trendBuckets } from './period';
import { type PulseCell, pulseRows, trendRows } from './pulses';
import { themeSection } from './themes';

export interface CollectOptions {
  unit: UnitRow;
  period: Period;
  locale: Locale;
}

const toReportUnit = (unit: Pick<UnitRow, 'id' | 'code' | 'name'>): ReportUnit => ({
  id: unit.id,
  code: unit.code,
  name: unit.name,
});

/**
 * A cell's answers and mean, shown only when `suppress` let its count through. A zero over cells
 * left out for their small audience or few answers is withheld, not shown as "no answers".
 */
function figures(cell: { answers: number; total: number; partial?: boolean } | undefined, isShown: boolean) {
  if (cell?.partial && cell.answers === 0) return { answers: WITHHELD as Figure, mean: WITHHELD as Figure };
  if (!cell || cell.answers === 0) return { answers: shown(0) as Figure, mean: NONE as Figure };
  if (!isShown) return { answers: WITHHELD as Figure, mean: WITHHELD as Figure };
  return { answers: shown(cell.answers), mean: shown(cell.total / cell.answers) };
}

/**
 * Suppresses one breakdown (cells keyed by unit or topic) with the one anonymity function and
 * returns, per key, whether its figures may be shown.
 */
function shownKeys<K>(cells: { key: K; n: number }[], k: number): Map<K, boolean> {
  return new Map(suppress(cells, k).cells.map((cell) => [cell.key, cell.shown]));
}

/**
 * The situation report of a unit's subtree for a period, from what Pulse recorded. Each section is
 * one set-based statement grouped by reported unit (the scope's children, or the scope itself when
 * it has none); every figure from anonymous answers goes through `suppress`, per breakdown, so a
 * row cannot be subtracted from the total or from the other rows to expose fewer than k answers.
 */
export async function collectReport(
  deps: Pick<Deps, 'db' | 'clock' | 'config'> & Partial<Pick<Deps, 'signals'>>,
  options: CollectOptions,
) {
  const { db, config } = deps;
  const { unit, period } = options;
  const timeZone = config.timezone;
  const previous = previousPeriod(period, timeZone);
  const children = await db.select().from(units).where(eq(units.parentId, unit.id)).orderBy(asc(units.code));
  const parent = unit.parentId
    ? (await db.select().from(units).where(eq(units.id, unit.parentId)))[0]
    : undefined;
  const leaf = children.length === 0;
  const reported = leaf ? [unit] : children;
  const scope = { id: unit.id, path: unit.path, leaf };
  const trend = trendBuckets(period, timeZone);

  const [pulses, trendCells, directives, feedbackTotal, hotspots, verdicts] = await Promise.all([
    pulseRows(db, scope, period, previous),
    trendRows(db, scope, trend.buckets),
    directiveRows(db, scope, period),
    feedbackCount(db, scope, period),
    hotspotRows(db, scope, period),
    falseAlarmRates(db, { from: period.from, to: period.to, unitPath: scope.path }),
  ]);
  const k = Math.max(MIN_ANSWERS, pulses.minAnswers);

  // Every cell of a breakdown takes part in its suppression, the scope unit's own (key null) too.
  const unitKeys: (number | null)[] = [...reported.map((u) => u.id), ...(leaf ? [] : [null])];
  const unitCell = (cells: PulseCell[], current: boolean, key: number | null) =>
    cells.find((c) => c.current === current && c.unitId === key);
  const unitShown = (current: boolean) =>
    shownKeys(
      unitKeys.map((key) => ({ key, n: unitCell(pulses.units, current, key)?.answers ?? 0 })),
      k,
    );
  const currentShown = unitShown(true);
  const previousShown = unitShown(false);

  const overallNow = pulses.overall.find((c) => c.current);
  const overallBefore = pulses.overall.find((c) => !c.current);
  const overallFigures = (cell: PulseCell | undefined) => figures(cell, (cell?.answers ?? 0) >= k);
  const overall: PulseFigures = {
    invited: overallNow?.invited ?? 0,
    ...overallFigures(overallNow),
    previousMean: overallFigures(overallBefore).mean,
  };

  const unitRows = reported.map((u) => {
    const now = unitCell(pulses.units, true, u.id);
    const before = unitCell(pulses.units, false, u.id);
    return {
      unit: toReportUnit(u),
      invited: now?.invited ?? 0,
      ...figures(now, currentShown.get(u.id) ?? false),
      previousMean: figures(before, previousShown.get(u.id) ?? false).mean,
    };
  });

  const topicKeys = [...new Set(pulses.topics.filter((t) => t.current).map((t) => t.topicKey))];
  const topicShown = (current: boolean) =>
    shownKeys(
      pulses.topics.filter((t) => t.current === current).map((t) => ({ key: t.topicKey, n: t.answers })),
      k,
    );
  const topicNow = topicShown(true);
  const topicBefore = topicShown(false);
  const topics = topicKeys.map((key) => {
    const now = pulses.topics.find((t) => t.current && t.topicKey === key)!;
    const before = pulses.topics.find((t) => !t.current && t.topicKey === key);
    return {
      topic: { key, name: now.topicName },
      polls: now.polls,
      ...figures(now, topicNow.get(key) ?? false),
      previousMean: before ? figures(before, topicBefore.get(key) ?? false).mean : NONE,
    };
  });

  const series = reported.map((u) => ({ unit: toReportUnit(u), points: [] as Figure[] }));
  trend.buckets.forEach((_, bucket) => {
    const cells = trendCells.filter((c) => c.bucket === bucket);
    const visible = shownKeys(
      unitKeys.map((key) => ({ key, n: cells.find((c) => c.unitId === key)?.answers ?? 0 })),
      k,
    );
    reported.forEach((u, i) => {
      const cell = cells.find((c) => c.unitId === u.id);
      series[i]!.points.push(figures(cell, visible.get(u.id) ?? false).mean);
    });
  });

  // Feedback topics are one breakdown of anonymous messages: suppressed together, like unit rows.
  const feedbackShown = shownKeys(
    hotspots.feedbackTopics.map(({ topic, n }) => ({ key: topic.key, n })),
    k,
  );

  const report: SituationReport = {
    issuer: { body: unit.name, ...(parent ? { superior: parent.name } : {}) },
    scope: toReportUnit(unit),
    period,
    previous,
    generatedAt: deps.clock.now(),
    timezone: timeZone,
    minAnswers: k,
    pulses: {
      scale: { min: 1, max: pulses.scaleMax },
      polls: overallNow?.polls ?? 0,
      overall,
      units: unitRows,
      topics,
    },
    hotspots: {
      opened: hotspots.opened,
      acknowledged: hotspots.acknowledged,
      resolved: hotspots.resolved,
      medianAckMinutes: hotspots.medianAckMinutes,
      medianResolveMinutes: hotspots.medianResolveMinutes,
      openBySeverity: hotspots.openBySeverity,
      topics: hotspots.topics,
      falseAlarms: verdicts.map((v) => ({
        topic: {
          key: v.topicId,
          name: hotspots.topics.find((x) => x.topic.key === v.topicId)?.topic.name ?? v.topicId,
        },
        judged: v.judged,
        falseAlarms: v.falseAlarms,
      })),
      units: reported.map((u) => ({
        unit: toReportUnit(u),
        ...(hotspots.units.get(u.id) ?? { opened: 0, open: 0 }),
      })),
      notable: [],
    },
    directives: {
      directives: directives.directives,
      overall: directives.overall,
      units: reported.map((u) => ({
        unit: toReportUnit(u),
        ...(directives.units.get(u.id) ?? { chats: 0, reachedChats: 0, members: 0, acknowledged: 0 }),
      })),
    },
    feedback: {
      total: feedbackTotal === 0 ? shown(0) : feedbackTotal >= k ? shown(feedbackTotal) : WITHHELD,
      topics: hotspots.feedbackTopics.map(({ topic, n }) => ({
        topic,
        messages: n === 0 ? shown(0) : (feedbackShown.get(topic.key) ?? false) ? shown(n) : WITHHELD,
      })),
    },
    trend: { granularity: trend.granularity, buckets: trend.buckets, series },
  };
  const loop = await loopSection(db, scope, period);
  if (loop) report.loop = loop;
  const heatmap = await heatMapSection(
    db,
    reported.map((u) => ({ ...toReportUnit(u), path: u.path })),
    period,
    options.locale,
  );
  if (heatmap) report.heatmap = heatmap;
  const themes = await themeSection(
    db,
    { scopePath: unit.path, period, timeZone, k },
    await topicClassifier({ db, ...(deps.signals ? { signals: deps.signals } : {}) }),
  );
  if (themes) report.themes = themes;
  return report;
}
