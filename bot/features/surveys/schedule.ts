import { and, asc, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import { surveyTemplates, units } from '../../../db/schema';
import { nextCronRun } from '../../kernel/cron';
import { translator } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { announceSurvey, SURVEY_ANNOUNCE } from './announce';
import { bankSubset } from './bank';
import { insertSurveyOnce, nextTemplateBankRun } from './store';
import type { SurveyRow } from './types';

const BATCH = 20;

/**
 * Opens the runs of recurring survey templates that are due (a scheduler job, every minute). Each
 * due template is claimed (FOR UPDATE SKIP LOCKED) and moved to its next occurrence in the
 * transaction that opens the run; a run is unique per (template, occurrence) and per (template,
 * bank run), so however many processes tick, or restart, an occurrence opens once. A bank template
 * draws the next `bank_size` questions of its own rotation each run. An occurrence missed for so
 * long that its survey would already be closed is skipped.
 */
export async function runDueSurveySchedules(deps: Deps, now: Date): Promise<number[]> {
  const opened = await deps.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(surveyTemplates)
      .where(
        and(
          eq(surveyTemplates.active, true),
          isNotNull(surveyTemplates.cron),
          lte(surveyTemplates.nextRunAt, now),
        ),
      )
      .orderBy(asc(surveyTemplates.nextRunAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const runs: { survey: SurveyRow; audience: { path: string }[] }[] = [];
    for (const template of due) {
      const occurrence = template.nextRunAt!;
      await tx
        .update(surveyTemplates)
        .set({ nextRunAt: nextCronRun(template.cron!, now, deps.config.timezone) })
        .where(eq(surveyTemplates.key, template.key));
      const closesAt = new Date(occurrence.getTime() + (template.closesAfterMinutes ?? 0) * 60_000);
      if (closesAt <= now) {
        deps.logger.warn({ template: template.key }, 'recurring survey occurrence missed');
        continue;
      }
      const codes = template.audience ?? [];
      const audience =
        codes.length === 0 ? [] : await tx.select().from(units).where(inArray(units.code, codes));
      if (audience.length === 0) {
        deps.logger.warn({ template: template.key }, 'recurring survey has no audience units');
        continue;
      }
      const bankRun = template.bankSize ? await nextTemplateBankRun(tx, template.key) : null;
      const survey = await insertSurveyOnce(tx, {
        title: template.title,
        questions: bankRun === null ? template.questions : bankSubset(bankRun, template.bankSize!),
        audience,
        closesAt,
        minAnswers: template.minAnswers,
        minTexts: template.minTexts,
        templateKey: template.key,
        bankRun,
        createdBy: null,
        occurrence,
        openedAt: now,
      });
      if (survey) {
        // Queued with the survey itself: once it commits, a crash cannot lose the groups' posts.
        await announceSurvey(deps, translator(deps.config.locale), survey, audience, undefined, tx);
        runs.push({ survey, audience });
      }
    }
    return runs;
  });
  if (opened.length > 0) await deliverOutbox(deps, { kinds: [SURVEY_ANNOUNCE] });
  if (opened.length > 0)
    deps.logger.info({ surveys: opened.map((r) => r.survey.id) }, 'recurring surveys opened');
  return opened.map((run) => run.survey.id);
}
