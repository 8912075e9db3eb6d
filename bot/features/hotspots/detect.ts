import { and, asc, desc, eq, gte, isNull, lt, ne, sql, sum } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { hotspotHits, incidentEvents, incidents, units } from '../../../db/schema';
import type { TextSignal } from '../../kernel/text-signals';
import type { Deps } from '../../runtime/deps';
import { sendDueEscalations } from './escalation';
import type { Topic } from './lexicon';
import { lexiconOf } from './live';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const floorMinute = (at: Date) => new Date(Math.floor(at.getTime() / MINUTE) * MINUTE);

/**
 * When the first alert may go. Anonymous feedback and poll comments reach leaders only at the top
 * of the next hour (their senders' anonymity rests on it), so an alert they open waits as long:
 * sent at once, it would tell a leader when someone wrote. Group messages are not anonymous.
 */
export function firstStepAt(source: TextSignal['source'], at: Date, sentNow = false): Date {
  return source === 'group' || sentNow ? at : new Date(Math.floor(at.getTime() / HOUR) * HOUR + HOUR);
}

export type HitOutcome =
  | { kind: 'counted' }
  | { kind: 'bumped'; incidentId: number }
  | { kind: 'opened'; incidentId: number };

/**
 * The text-signal listener: matches in memory and returns at once when nothing matched (no
 * database access). A hit is counted per unit, chat, topic, source and minute — never author or
 * text — and may open or bump an incident; a new incident's first step is sent right away when a
 * group message opened it (see `firstStepAt` for anonymous sources).
 */
export async function onTextSignal(deps: Deps, signal: TextSignal): Promise<HitOutcome[]> {
  const live = lexiconOf(deps);
  const found = live.assess(signal.text);
  if (found.length === 0) return [];
  const unitId = signal.unitId ?? (await rootUnitId(deps));
  if (unitId === null) return [];
  const outcomes: HitOutcome[] = [];
  for (const hit of found) {
    const topic = live.topic(live.matcher.topicIds[hit.topic]!);
    if (!topic) continue;
    const { concepts } = hit;
    const sources = [
      ...(hit.terms.length > 0 ? ['term'] : []),
      ...(hit.concepts.length > 0 ? ['rule'] : []),
      ...(hit.source !== 'rule' ? ['model'] : []),
    ];
    outcomes.push(
      await deps.db.transaction((tx) =>
        recordHit(tx, {
          unitId,
          chatId: signal.chatId,
          source: signal.source,
          at: signal.at,
          topic,
          concepts,
          sources,
          sentNow: signal.sentNow === true,
        }),
      ),
    );
  }
  const opened = outcomes.flatMap((o) => (o.kind === 'opened' ? [o.incidentId] : []));
  if (opened.length > 0) {
    // An incident opened by an anonymous source (feedback, a comment) surfaces only on the hour:
    // an info line now would tell its exact arrival time, so it goes out at debug.
    if (signal.source === 'group') deps.logger.info({ incidents: opened, unit: unitId }, 'hot spot opened');
    else deps.logger.debug({ incidents: opened, unit: unitId, source: signal.source }, 'hot spot opened');
    if (signal.source !== 'group' && signal.sentNow) await sendDueEscalations(deps, signal.at, {});
    if (signal.source === 'group') {
      const excerpts = new Map<number, string>();
      if (live.lexicon.excerpts) for (const id of opened) excerpts.set(id, signal.text);
      await sendDueEscalations(deps, signal.at, { excerpts });
    }
  }
  return outcomes;
}

/** Feedback from someone whose unit is unknown counts for the organisation's root unit. */
async function rootUnitId(deps: Deps): Promise<number | null> {
  const [root] = await deps.db
    .select({ id: units.id })
    .from(units)
    .where(isNull(units.parentId))
    .orderBy(asc(units.id))
    .limit(1);
  return root?.id ?? null;
}

interface HitInput {
  unitId: number;
  chatId: number | null;
  source: TextSignal['source'];
  at: Date;
  topic: Topic;
  /** The concepts of the rules that raised the topic (lexicon names, never message words). */
  concepts?: readonly string[];
  /** What raised it: "term", "rule" (concepts), "model". */
  sources?: readonly string[];
  /** The sender of an anonymous source chose to send it at once: its first alert goes now. */
  sentNow?: boolean;
}

/** `column` ∪ `more`, sorted, as a SQL expression (the incident's concepts or sources after one more hit). */
function union(column: typeof incidents.concepts | typeof incidents.sources, more: readonly string[]) {
  if (more.length === 0) return sql`${column}`;
  return sql`array(select distinct x from unnest(${column} || ${sql.param([...more])}::text[]) as x order by x)`;
}

export async function recordHit(tx: Tx, hit: HitInput): Promise<HitOutcome> {
  const { unitId, topic, at } = hit;
  const bucket = floorMinute(at);
  await tx
    .insert(hotspotHits)
    .values({ unitId, chatId: hit.chatId, topicId: topic.id, source: hit.source, bucket, count: 1 })
    .onConflictDoUpdate({
      target: [
        hotspotHits.unitId,
        hotspotHits.chatId,
        hotspotHits.topicId,
        hotspotHits.source,
        hotspotHits.bucket,
      ],
      set: { count: sql`${hotspotHits.count} + 1` },
    });

  const matched = { concepts: hit.concepts ?? [], sources: hit.sources ?? [] };
  const bumped = await bumpOpenIncident(tx, unitId, topic.id, at, matched);
  if (bumped !== null) return { kind: 'bumped', incidentId: bumped };

  const count = topic.severity === 'critical' ? 1 : await surgeCount(tx, unitId, topic, at);
  if (count === null) return { kind: 'counted' };
  const [opened] = await tx
    .insert(incidents)
    .values({
      unitId,
      topicId: topic.id,
      topicName: topic.name,
      severity: topic.severity,
      status: 'open',
      hitCount: count,
      windowMinutes: topic.surge.windowMinutes,
      escalation: topic.escalation,
      openedAt: at,
      lastHitAt: at,
      nextStepIndex: 0,
      nextStepAt: firstStepAt(hit.source, at, hit.sentNow),
      concepts: [...new Set(matched.concepts)].sort(),
      sources: [...new Set(matched.sources)].sort(),
    })
    .onConflictDoNothing()
    .returning({ id: incidents.id });
  if (!opened) {
    // Another process opened it a moment ago: this hit is one more for that incident.
    const id = await bumpOpenIncident(tx, unitId, topic.id, at, matched);
    return id === null ? { kind: 'counted' } : { kind: 'bumped', incidentId: id };
  }
  await tx.insert(incidentEvents).values({ incidentId: opened.id, at, kind: 'opened', count });
  return { kind: 'opened', incidentId: opened.id };
}

/** New hits on an open incident bump its counter and extend its timeline (one `hits` row per minute). */
async function bumpOpenIncident(
  tx: Tx,
  unitId: number,
  topicId: string,
  at: Date,
  matched: { concepts: readonly string[]; sources: readonly string[] },
): Promise<number | null> {
  const [open] = await tx
    .update(incidents)
    .set({
      hitCount: sql`${incidents.hitCount} + 1`,
      lastHitAt: at,
      concepts: union(incidents.concepts, matched.concepts),
      sources: union(incidents.sources, matched.sources),
    })
    .where(
      and(eq(incidents.unitId, unitId), eq(incidents.topicId, topicId), ne(incidents.status, 'resolved')),
    )
    .returning({ id: incidents.id });
  if (!open) return null;
  const bucket = floorMinute(at);
  const merged = await tx
    .update(incidentEvents)
    .set({ count: sql`${incidentEvents.count} + 1` })
    .where(
      and(
        eq(incidentEvents.incidentId, open.id),
        eq(incidentEvents.kind, 'hits'),
        eq(incidentEvents.at, bucket),
      ),
    )
    .returning({ id: incidentEvents.id });
  if (merged.length === 0) {
    await tx.insert(incidentEvents).values({ incidentId: open.id, at: bucket, kind: 'hits', count: 1 });
  }
  return open.id;
}

/**
 * The hits in the surge window when the rule fires, else null. The window never reaches back
 * past the last resolution of the same (unit, topic): a resolved hot spot needs a new surge.
 */
async function surgeCount(tx: Tx, unitId: number, topic: Topic, at: Date): Promise<number | null> {
  const windowMs = topic.surge.windowMinutes * MINUTE;
  let windowStart = floorMinute(new Date(at.getTime() - windowMs + MINUTE));
  const [resolved] = await tx
    .select({ at: incidents.resolvedAt })
    .from(incidents)
    .where(
      and(eq(incidents.unitId, unitId), eq(incidents.topicId, topic.id), eq(incidents.status, 'resolved')),
    )
    .orderBy(desc(incidents.resolvedAt))
    .limit(1);
  if (resolved?.at) {
    const afterResolution = new Date(floorMinute(resolved.at).getTime() + MINUTE);
    if (afterResolution > windowStart) windowStart = afterResolution;
  }
  const sinceOf = (from: Date, to?: Date) =>
    tx
      .select({ total: sum(hotspotHits.count) })
      .from(hotspotHits)
      .where(
        and(
          eq(hotspotHits.unitId, unitId),
          eq(hotspotHits.topicId, topic.id),
          gte(hotspotHits.bucket, from),
          to ? lt(hotspotHits.bucket, to) : undefined,
        ),
      );
  const [current] = await sinceOf(windowStart);
  let count = Number(current?.total ?? 0);
  if (floorMinute(at) < windowStart) count += 1;
  if (count < topic.surge.hits) return null;

  const baseline = topic.surge.baseline;
  if (baseline) {
    const historyStart = new Date(at.getTime() - baseline.days * 24 * 60 * MINUTE);
    const [history] = await sinceOf(historyStart, windowStart);
    const windows = Math.max(1, (windowStart.getTime() - historyStart.getTime()) / windowMs);
    const average = Number(history?.total ?? 0) / windows;
    if (count <= baseline.factor * average) return null;
  }
  return count;
}
