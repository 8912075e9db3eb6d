import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { surveyCells, surveyProgress, surveys, surveyTexts } from '../../../db/schema';
import type { Deps } from '../../runtime/deps';
import { settleHolders } from '../../runtime/process-lease';
import { SURVEY_HOLDERS, surveyBoxOf } from './box';
import { thresholdOf } from './results';
import { sealInfo } from './store';
import type { SurveyRow } from './types';

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
      const [locked] = await tx
        .select({ id: surveys.id })
        .from(surveys)
        .where(and(eq(surveys.id, survey.id), eq(surveys.status, 'closing')))
        // NO KEY UPDATE: a first step's holder row takes KEY SHARE on the survey (its foreign key).
        .for('no key update', { skipLocked: true });
      if (!locked) return false;
      const holders = await settleHolders(tx, SURVEY_HOLDERS, survey.id, now);
      if (holders.waiting) return false;
      if (holders.lost > 0)
        deps.logger.warn(
          { survey: survey.id, lost: holders.lost },
          'survey answers lost with a process that died',
        );
      await tx
        .update(surveys)
        .set({ status: 'closed', closedAt: now, lostBallots: holders.lost })
        .where(eq(surveys.id, survey.id));
      await withholdCellsBelowK(tx, survey);
      await tx.update(surveyProgress).set({ holder: null }).where(eq(surveyProgress.surveyId, survey.id));
      return true;
    });
    if (done) closed.push(survey.id);
  }
  if (closed.length > 0) deps.logger.info({ surveys: closed }, 'surveys closed');
  return closed;
}

/**
 * A cell below its k is never published. With several processes, each wrote its part at closing
 * while another still held answers, so a small cell's options (or texts) may have been written:
 * they are erased here, leaving only how many answered (`withheld`).
 */
async function withholdCellsBelowK(tx: Tx, survey: SurveyRow): Promise<void> {
  const cells = await tx
    .select()
    .from(surveyCells)
    .where(and(eq(surveyCells.surveyId, survey.id), gt(surveyCells.n, 0)));
  for (const cell of cells) {
    const question = survey.questions[cell.question];
    if (!question || cell.n + cell.withheld >= thresholdOf(survey, question)) continue;
    await tx
      .update(surveyCells)
      .set({
        n: 0,
        counts: cell.counts.map(() => 0),
        withheld: sql`${surveyCells.withheld} + ${cell.n}::int`,
      })
      .where(
        and(
          eq(surveyCells.surveyId, survey.id),
          eq(surveyCells.question, cell.question),
          eq(surveyCells.unitId, cell.unitId),
        ),
      );
    await tx
      .delete(surveyTexts)
      .where(
        and(
          eq(surveyTexts.surveyId, survey.id),
          eq(surveyTexts.question, cell.question),
          eq(surveyTexts.unitId, cell.unitId),
        ),
      );
  }
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
