import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import { type Period, SEVERITIES, type Severity, type Topic } from '../model';
import { at, num, type ReportScope, reportedUnits, rowsOf } from './sql';

export interface HotspotRows {
  opened: number;
  acknowledged: number;
  resolved: number;
  medianAckMinutes: number | null;
  medianResolveMinutes: number | null;
  openBySeverity: Record<Severity, number>;
  /** Incidents opened in the period per topic, most first. */
  topics: { topic: Topic; incidents: number }[];
  /** Per reported unit (null: the scope unit's own incidents). */
  units: Map<number | null, { opened: number; open: number }>;
  /** Hits recorded with source `feedback` in the period, per topic, most first. */
  feedbackTopics: { topic: Topic; n: number }[];
}

interface Row {
  part: string;
  g: number;
  rid: number | null;
  severity: string | null;
  topic_id: string | null;
  topic_name: string | null;
  opened: number;
  acknowledged: number;
  resolved: number;
  open: number;
  ack_median: number | null;
  resolve_median: number | null;
}

/**
 * Incidents of the scope's subtree that touch the period (opened, acknowledged or resolved in it,
 * or still unresolved at its end) and every incident unresolved now, whenever it opened — an open
 * incident always shows, even in the report of a period that ended before it; grouped overall, per reported unit, per severity and per topic;
 * with, in the same statement, the feedback hits per topic. Medians in minutes.
 */
export function hotspotStatement(scope: ReportScope, period: Period): SQL {
  const from = at(period.from);
  const to = at(period.to);
  return sql`with ${reportedUnits(scope.id, scope.leaf)},
      inc as (
        select r.id as rid, i.severity, i.topic_id, i.topic_name,
          (i.opened_at >= ${from} and i.opened_at < ${to}) as is_opened,
          (i.acknowledged_at >= ${from} and i.acknowledged_at < ${to}) as is_acked,
          (i.resolved_at >= ${from} and i.resolved_at < ${to}) as is_resolved,
          (i.resolved_at is null or (i.opened_at < ${to} and i.resolved_at >= ${to})) as is_open,
          extract(epoch from i.acknowledged_at - i.opened_at) / 60 as ack_min,
          extract(epoch from i.resolved_at - i.opened_at) / 60 as resolve_min
        from incidents i
        join units u on u.id = i.unit_id and u.path like ${`${scope.path}%`}
        left join r on u.path like r.path || '%'
        where i.resolved_at is null or (i.opened_at < ${to} and i.resolved_at >= ${from})
      )
      select 'incidents' as part, grouping(rid, severity, topic_id)::int as g, rid, severity, topic_id, max(topic_name) as topic_name,
        count(*) filter (where is_opened)::int as opened,
        count(*) filter (where is_acked)::int as acknowledged,
        count(*) filter (where is_resolved)::int as resolved,
        count(*) filter (where is_open)::int as open,
        percentile_cont(0.5) within group (order by case when is_acked then ack_min end)::float8 as ack_median,
        percentile_cont(0.5) within group (order by case when is_resolved then resolve_min end)::float8 as resolve_median
      from inc
      group by grouping sets ((), (rid), (severity), (topic_id))
      union all
      select 'feedback', -1, null, null, h.topic_id, coalesce(max(t.name), h.topic_id),
        sum(h.count)::int, 0, 0, 0, null, null
      from hotspot_hits h
      join units u on u.id = h.unit_id and u.path like ${`${scope.path}%`}
      left join hotspot_topics t on t.id = h.topic_id
      where h.source = 'feedback' and h.bucket >= ${from} and h.bucket < ${to}
      group by h.topic_id`;
}

export async function hotspotRows(db: DbOrTx, scope: ReportScope, period: Period): Promise<HotspotRows> {
  const rows = await rowsOf<Row>(db, hotspotStatement(scope, period));
  const incidents = rows.filter((row) => row.part === 'incidents');
  const grouped = (g: number) => incidents.filter((row) => num(row.g) === g);
  const overall = grouped(7)[0];
  const byUnit = grouped(3);
  const bySeverity = grouped(5);
  const byTopic = grouped(6);
  const median = (value: number | null | undefined) =>
    value === null || value === undefined ? null : Number(value);
  const mostFirst =
    <T extends { topic: Topic }>(n: (x: T) => number) =>
    (a: T, b: T) =>
      n(b) - n(a) || a.topic.name.localeCompare(b.topic.name);
  return {
    opened: num(overall?.opened),
    acknowledged: num(overall?.acknowledged),
    resolved: num(overall?.resolved),
    medianAckMinutes: median(overall?.ack_median),
    medianResolveMinutes: median(overall?.resolve_median),
    openBySeverity: Object.fromEntries(
      SEVERITIES.map((s) => [s, num(bySeverity.find((row) => row.severity === s)?.open)]),
    ) as Record<Severity, number>,
    topics: byTopic
      .filter((row) => num(row.opened) > 0)
      .map((row) => ({
        topic: { key: String(row.topic_id), name: String(row.topic_name) },
        incidents: num(row.opened),
      }))
      .sort(mostFirst((x) => x.incidents)),
    units: new Map(
      byUnit.map((row) => [
        row.rid === null ? null : num(row.rid),
        { opened: num(row.opened), open: num(row.open) },
      ]),
    ),
    feedbackTopics: rows
      .filter((row) => row.part === 'feedback')
      .map((row) => ({
        topic: { key: String(row.topic_id), name: String(row.topic_name) },
        n: num(row.opened),
      }))
      .sort(mostFirst((x) => x.n)),
  };
}
