import { eq, like, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, units } from '../../../db/schema';
import { formatDateTime } from '../../kernel/time';
import type { Translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue, type OutboxInput } from '../../runtime/outbox/store';
import type { UnitRow } from '../org';
import { START_PREFIX, type SurveyRow } from './types';

/** The outbox kinds of a survey's posts in the groups: its opening, and its one reminder. */
export const SURVEY_ANNOUNCE = 'survey_announce';
export const SURVEY_REMINDER = 'survey_reminder';

/**
 * Posts the "take the survey" button in every bound group of the audience, through the outbox
 * (`survey_announce`, or `survey_reminder` for the reminder; one row per group, keyed by survey
 * and chat, so a job run twice or two processes post it once); returns how many groups it is
 * queued for. What cannot be sent at once (a rate limit, the platform away) goes with the outbox job.
 * Group rows only: nothing about a person is written.
 */
export async function announceSurvey(
  deps: Deps,
  t: Translate,
  survey: SurveyRow,
  audience: readonly Pick<UnitRow, 'path'>[],
  /** The reminder's text instead of the opening's. */
  override?: string,
  /** The transaction that opens the survey: the rows are queued when it commits, and sent after. */
  tx?: DbOrTx,
): Promise<number> {
  const { messenger, config } = deps;
  const db = tx ?? deps.db;
  if (audience.length === 0) return 0;
  const groups = await db
    .select({ platform: chats.platform, externalId: chats.externalId })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(or(...audience.map((unit) => like(units.path, `${unit.path}%`))))
    .orderBy(chats.id);
  const text =
    override ??
    t('surveys.announce', {
      id: survey.id,
      title: survey.title,
      total: survey.questions.length,
      time: formatDateTime(survey.closesAt, config.timezone),
      k: survey.minAnswers,
    });
  const kind = override === undefined ? SURVEY_ANNOUNCE : SURVEY_REMINDER;
  const inputs: OutboxInput[] = groups
    .filter((group) => messenger.has(group.platform) && messenger.capabilities(group.platform).groups)
    .map((group) => ({
      key: `${kind}:${survey.id}:${group.platform}:${group.externalId}`,
      kind,
      to: { chat: { platform: group.platform, externalId: group.externalId, kind: 'group' as const } },
      message: { text, buttons: [[{ label: t('surveys.take'), data: `${START_PREFIX}:${survey.id}` }]] },
      notBefore: deps.clock.now(),
    }));
  await enqueue(db, inputs);
  if (inputs.length > 0 && !tx) await deliverOutbox(deps, { kinds: [kind] });
  return inputs.length;
}
