import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { surveyHolders, surveyProgress, surveys } from '../../../db/schema';
import type { Deps } from '../../runtime/deps';
import { surveyBoxOf } from './box';
import { rowsOf, sealInfo } from './store';

/**
 * The closing step, run by every process's scheduler: surveys past their time go to `closing`; this
 * process writes what it holds of them (unfinished answers too, as ballots of their own); a survey
 * is closed once no live process holds anything of it. What a dead process held is counted as lost.
 */
export async function closeDueSurveys(deps: Deps, now: Date): Promise<number[]> {
  const { db } = deps;
  const box = surveyBoxOf(deps);
  await box.ensureLease(db, now);
  await box.reportHeld(db);
  await db
    .update(surveys)
    .set({ status: 'closing' })
    .where(and(eq(surveys.status, 'open'), lte(surveys.closesAt, now)));
  const closing = await db.select().from(surveys).where(eq(surveys.status, 'closing'));
  if (closing.length === 0) return [];
  await box.sealAll(db, new Map(closing.map((survey) => [survey.id, sealInfo(survey)])), now);
  const closed: number[] = [];
  for (const survey of closing) {
    const done = await db.transaction(async (tx) => {
      const [live] = rowsOf<{ live: number | string }>(
        await tx.execute(sql`
          select count(*) as live from survey_holders h join pulse_processes pp on pp.id = h.process_id
          where h.survey_id = ${survey.id} and h.held > 0 and pp.lease_until > ${now.toISOString()}::timestamptz`),
      );
      if (Number(live?.live ?? 0) > 0) return false;
      const [lost] = await tx
        .select({ lost: sql<number>`coalesce(sum(${surveyHolders.held}), 0)`.mapWith(Number) })
        .from(surveyHolders)
        .where(eq(surveyHolders.surveyId, survey.id));
      const updated = await tx
        .update(surveys)
        .set({ status: 'closed', closedAt: now, lostBallots: lost?.lost ?? 0 })
        .where(and(eq(surveys.id, survey.id), eq(surveys.status, 'closing')))
        .returning({ id: surveys.id });
      await tx.delete(surveyHolders).where(eq(surveyHolders.surveyId, survey.id));
      await tx.update(surveyProgress).set({ holder: null }).where(eq(surveyProgress.surveyId, survey.id));
      return updated.length > 0;
    });
    if (done) closed.push(survey.id);
  }
  if (closed.length > 0) deps.logger.info({ surveys: closed }, 'surveys closed');
  return closed;
}

/** `/khaosat close ID`: the survey closes now (it waits in `closing` for other live processes). */
export async function closeSurveyNow(deps: Deps, surveyId: number, now: Date): Promise<boolean> {
  const updated = await deps.db
    .update(surveys)
    .set({ closesAt: now })
    .where(and(eq(surveys.id, surveyId), inArray(surveys.status, ['open'])))
    .returning({ id: surveys.id });
  if (updated.length === 0) return false;
  await closeDueSurveys(deps, now);
  return true;
}

/** A graceful stop writes everything this process holds (even fewer than k: better than losing it). */
export async function flushSurveysAtStop(deps: Deps): Promise<void> {
  const box = surveyBoxOf(deps);
  const ids = box.surveyIds();
  const held = box.held();
  try {
    if (ids.length > 0) {
      const rows = await deps.db.select().from(surveys).where(inArray(surveys.id, ids));
      await box.sealAll(
        deps.db,
        new Map(rows.map((survey) => [survey.id, sealInfo(survey)])),
        deps.clock.now(),
      );
    }
    await box.release(deps.db);
    if (held > 0) deps.logger.info({ held }, 'survey answers written at shutdown');
  } catch (error) {
    deps.logger.error({ err: error, held: box.held() }, 'survey answers could not be written at shutdown');
  }
}
