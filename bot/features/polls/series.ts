import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { pollSeries, units } from '../../../db/schema';
import { nextCronRun } from '../../kernel/cron';
import type { Deps } from '../../runtime/deps';
import { createPoll } from './create';
import { deliverPending } from './deliver';

const BATCH = 20;

/**
 * Starts the runs of recurring pulses that are due (a scheduler job). Each due series is claimed
 * (FOR UPDATE SKIP LOCKED) and moved to its next occurrence in the same transaction that creates
 * the run; the run is unique per (series, occurrence), so N processes start it once. An occurrence
 * missed for so long that its poll would already be closed is skipped.
 */
export async function runDueSeries(deps: Deps, now: Date): Promise<number[]> {
  const started = await deps.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(pollSeries)
      .where(and(eq(pollSeries.active, true), lte(pollSeries.nextRunAt, now)))
      .orderBy(asc(pollSeries.nextRunAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const pollIds: number[] = [];
    for (const series of due) {
      const occurrence = series.nextRunAt!;
      await tx
        .update(pollSeries)
        .set({ nextRunAt: nextCronRun(series.cron, now, deps.config.timezone) })
        .where(eq(pollSeries.id, series.id));
      const closesAt = new Date(occurrence.getTime() + series.closesAfterMinutes * 60_000);
      if (closesAt <= now) {
        deps.logger.warn({ series: series.key }, 'recurring poll occurrence missed');
        continue;
      }
      const audience = await tx.select().from(units).where(inArray(units.code, series.audience));
      if (audience.length === 0) {
        deps.logger.warn({ series: series.key }, 'recurring poll has no audience units');
        continue;
      }
      const outcome = await createPoll(
        deps,
        tx,
        {
          question: series.question,
          kind: series.kind,
          options: series.options,
          audience,
          dm: series.dm,
          comments: series.comments,
          closesAt,
          minAnswers: series.minAnswers,
          minComments: series.minComments,
          creatorPersonId: null,
          locale: deps.config.locale,
          series: { id: series.id, occurrence },
        },
        now,
      );
      if (outcome.ok) pollIds.push(outcome.poll.id);
      else deps.logger.warn({ series: series.key, reason: outcome.reason }, 'recurring poll not started');
    }
    return pollIds;
  });
  if (started.length > 0) await deliverPending(deps, { pollIds: started });
  return started;
}
