import { and, eq, inArray, lte } from 'drizzle-orm';
import { surveyProgress, surveys, units } from '../../../db/schema';
import { translator } from '../../messages';
import { budgetOf } from '../../runtime/delivery/budget';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { dmAccounts } from '../org';
import { announceSurvey, SURVEY_REMINDER } from './announce';
import { START_PREFIX, type SurveyRow } from './types';

const HOUR = 60 * 60 * 1000;

/** When a survey's one reminder goes out: a day before closing (3 h for a short one), or never. */
export function reminderAt(openedAt: Date, closesAt: Date): Date | null {
  const open = closesAt.getTime() - openedAt.getTime();
  const before = open >= 48 * HOUR ? 24 * HOUR : open >= 6 * HOUR ? 3 * HOUR : null;
  return before === null ? null : new Date(closesAt.getTime() - before);
}

/**
 * The one reminder before closing (a scheduler job, every minute; claimed once across processes).
 * Every bound group of the audience gets it, with the button — the same for all, so it says nothing
 * of who answered — through the outbox (`survey_reminder`, one row per group). Someone who started
 * and has not finished gets, in their own DM only, where they are; nobody else learns it, and
 * nothing is written about whom it went to: those DMs stay out of the outbox (a row would name
 * its recipient, i.e. a person who started and has not finished). They are paced by the
 * process's send budget, as bulk sends.
 */
export async function sendSurveyReminders(deps: Deps, now: Date): Promise<number> {
  const due = await deps.db.transaction(async (tx) => {
    const claimable = tx
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.status, 'open'), lte(surveys.remindAt, now)))
      // NO KEY UPDATE: a first step's holder row takes KEY SHARE on the survey.
      .for('no key update', { skipLocked: true });
    const claimed = await tx
      .update(surveys)
      .set({ remindAt: null })
      .where(inArray(surveys.id, claimable))
      .returning();
    // The groups' posts are queued with the claim: once it commits, they go.
    for (const survey of claimed) {
      const audience =
        survey.audience.length === 0
          ? []
          : await tx.select({ path: units.path }).from(units).where(inArray(units.id, survey.audience));
      const t = translator(deps.config.locale);
      await announceSurvey(deps, t, survey, audience, t('surveys.reminder', paramsOf(survey, now)), tx);
    }
    return claimed;
  });
  if (due.length > 0) await deliverOutbox(deps, { kinds: [SURVEY_REMINDER] });
  for (const survey of due) await remind(deps, survey, now);
  return due.length;
}

function paramsOf(survey: SurveyRow, now: Date) {
  const hours = Math.max(1, Math.round((survey.closesAt.getTime() - now.getTime()) / HOUR));
  return { id: survey.id, title: survey.title, total: survey.questions.length, hours };
}

/** The DMs to those who started and have not finished: direct, never written anywhere. */
async function remind(deps: Deps, survey: SurveyRow, now: Date): Promise<void> {
  const t = translator(deps.config.locale);
  const params = paramsOf(survey, now);
  const unfinished = await deps.db
    .select({ personId: surveyProgress.personId, question: surveyProgress.question })
    .from(surveyProgress)
    .where(and(eq(surveyProgress.surveyId, survey.id), eq(surveyProgress.finished, false)));
  const budget = budgetOf(deps);
  for (const person of unfinished) {
    const [account] = await dmAccounts(deps.db, deps.messenger, person.personId);
    if (!account) continue;
    const chat = { platform: account.platform, externalId: account.externalId, kind: 'dm' as const };
    const done = await budget.acquire(chat, 'bulk');
    try {
      await deps.messenger.send(chat, {
        text: t('surveys.reminder.unfinished', { ...params, n: person.question + 1 }),
        buttons: [[{ label: t('surveys.continue'), data: `${START_PREFIX}:${survey.id}` }]],
      });
    } catch (error) {
      // No person in the log: only that a reminder of this survey could not be sent.
      deps.logger.warn({ err: error, survey: survey.id }, 'survey reminder not sent');
    } finally {
      done();
    }
  }
  // How many unfinished people there were is not logged: a small number would say too much.
  deps.logger.info({ survey: survey.id }, 'survey reminders sent');
}
