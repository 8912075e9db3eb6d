import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import { closedInSql, participationHiddenSql, publishableSql } from '../../../kernel/anonymity';
import type { Period } from '../model';
import { at, num, type ReportScope, reportedUnits, rowsOf } from './sql';

export interface PulseCell {
  /** Current period (true) or the previous one. */
  current: boolean;
  /** null in a unit row: the scope unit's own cell. */
  unitId: number | null;
  polls: number;
  invited: number;
  answers: number;
  /** Sum of the answers' values (1..max), for the mean. */
  total: number;
  /**
   * A cell left out holds answers or has fewer than k people asked: "0 answers" would then tell
   * whether its few people took part, so a zero is withheld instead.
   */
  partial: boolean;
}

export interface PulseTopicCell extends PulseCell {
  topicKey: string;
  topicName: string;
}

export interface PulseRows {
  scaleMax: number;
  /** The highest threshold among the polls counted. */
  minAnswers: number;
  overall: PulseCell[];
  units: PulseCell[];
  topics: PulseTopicCell[];
}

interface Row {
  cur: boolean;
  rid: number | null;
  topic_key: string | null;
  topic_name: string | null;
  g: number;
  polls: number;
  invited: number;
  answers: number;
  total: number;
  scale_max: number | null;
  k: number | null;
  partial: boolean | string | null;
}

/**
 * Scale pulses of the scope's subtree in the period and the one before, in one statement grouped
 * three ways (overall, per reported unit, per topic). A topic is a pulse series (its scenario key
 * and question); a one-off poll is its own topic. Only closed polls count, each in the period it
 * CLOSED in, and only their publishable cells (at least the poll's k answers) add to any figure:
 * the one rule of `anonymity.ts`, so views over adjacent periods or nested units differ by whole
 * cells of at least k answers.
 */
export function pulseStatement(scope: ReportScope, period: Period, previous: Period): SQL {
  return sql`with ${reportedUnits(scope.id, scope.leaf)},
      chosen as (
        select array(select id from polls where kind = 'scale' and status = 'closed'
          and ${closedInSql(sql`closed_at`, at(previous.from), at(period.to))}) as ids
      ),
      cells as (
        select p.id as poll_id, p.closed_at >= ${at(period.from)} as cur, r.id as rid,
          coalesce(ps.key, 'poll-' || p.id) as topic_key, coalesce(ps.question, p.question) as topic_name,
          pu.members, t.counts, coalesce(t.withheld, 0) as withheld, p.min_answers, p.status
        from polls p
        join poll_units pu on pu.poll_id = p.id
        join units u on u.id = pu.unit_id and u.path like ${`${scope.path}%`}
        left join r on u.path like r.path || '%'
        left join poll_tallies t on t.poll_id = pu.poll_id and t.unit_id = pu.unit_id
          and t.poll_id = any((select ids from chosen)::int[])
        left join poll_series ps on ps.id = p.series_id
        where p.id = any((select ids from chosen)::int[]) and pu.poll_id = any((select ids from chosen)::int[])
      ),
      valued as (
        select c.*, coalesce(v.n, 0) + c.withheld as n, coalesce(v.s, 0) as s,
          ${publishableSql(sql`c.status`, sql`c.min_answers`, sql`coalesce(v.n, 0) + c.withheld`)} as pub
        from cells c
        left join lateral (
          select sum(x.c)::int as n, sum(x.c * x.o)::int as s
          from unnest(c.counts) with ordinality as x(c, o)
        ) v on true
      )
      select cur, rid, topic_key, topic_name, grouping(rid, topic_key, topic_name)::int as g,
        count(distinct poll_id)::int as polls, sum(members)::int as invited,
        coalesce(sum(n) filter (where pub), 0)::int as answers,
        coalesce(sum(s) filter (where pub), 0)::int as total,
        max(cardinality(counts))::int as scale_max, max(min_answers)::int as k,
        coalesce(bool_or(not pub and ${participationHiddenSql(sql`members`, sql`min_answers`, sql`n`)}), false) as partial
      from valued
      group by grouping sets ((cur), (cur, rid), (cur, topic_key, topic_name))`;
}

export async function pulseRows(
  db: DbOrTx,
  scope: ReportScope,
  period: Period,
  previous: Period,
): Promise<PulseRows> {
  const rows = await rowsOf<Row>(db, pulseStatement(scope, period, previous));
  const cell = (row: Row): PulseCell => ({
    current: row.cur === true || (row.cur as unknown) === 't',
    unitId: row.rid === null ? null : num(row.rid),
    polls: num(row.polls),
    invited: num(row.invited),
    answers: num(row.answers),
    total: num(row.total),
    partial: row.partial === true || row.partial === 't',
  });
  const g = (row: Row) => num(row.g);
  return {
    scaleMax: Math.max(5, ...rows.map((row) => num(row.scale_max))),
    minAnswers: Math.max(0, ...rows.map((row) => num(row.k))),
    overall: rows.filter((row) => g(row) === 7).map(cell),
    units: rows.filter((row) => g(row) === 3).map(cell),
    topics: rows
      .filter((row) => g(row) === 4)
      .map((row) => ({ ...cell(row), topicKey: String(row.topic_key), topicName: String(row.topic_name) })),
  };
}

export interface TrendCell {
  bucket: number;
  unitId: number | null;
  answers: number;
  total: number;
}

/**
 * Answers and their sum per trend bucket (0-based, by the moment each poll closed) and reported
 * unit, in one statement, from publishable cells of closed polls only (the rule of `anonymity.ts`).
 */
export function trendStatement(scope: ReportScope, buckets: { from: Date; to: Date }[]): SQL {
  const bounds = sql.join(
    buckets.map((b) => at(b.from)),
    sql`, `,
  );
  const from = at(buckets[0]!.from);
  const to = at(buckets[buckets.length - 1]!.to);
  return sql`with ${reportedUnits(scope.id, scope.leaf)}
      select width_bucket(p.closed_at, array[${bounds}]::timestamptz[]) - 1 as bucket, r.id as rid,
        coalesce(sum(v.n), 0)::int as answers, coalesce(sum(v.s), 0)::int as total
      from polls p
      join poll_tallies t on t.poll_id = p.id and t.poll_id = any(array(select id from polls
        where kind = 'scale' and status = 'closed' and ${closedInSql(sql`closed_at`, from, to)}))
      join units u on u.id = t.unit_id and u.path like ${`${scope.path}%`}
      left join r on u.path like r.path || '%'
      cross join lateral (
        select sum(x.c)::int as n, sum(x.c * x.o)::int as s from unnest(t.counts) with ordinality as x(c, o)
      ) v
      where p.kind = 'scale' and ${closedInSql(sql`p.closed_at`, from, to)}
        and ${publishableSql(sql`p.status`, sql`p.min_answers`, sql`v.n`)}
      group by 1, 2`;
}

export async function trendRows(
  db: DbOrTx,
  scope: ReportScope,
  buckets: { from: Date; to: Date }[],
): Promise<TrendCell[]> {
  if (buckets.length === 0) return [];
  const rows = await rowsOf<{ bucket: number; rid: number | null; answers: number; total: number }>(
    db,
    trendStatement(scope, buckets),
  );
  return rows.map((row) => ({
    bucket: num(row.bucket),
    unitId: row.rid === null ? null : num(row.rid),
    answers: num(row.answers),
    total: num(row.total),
  }));
}
