import { eq, like, or } from 'drizzle-orm';
import { chats, units } from '../../../db/schema';
import { formatDateTime } from '../../kernel/time';
import type { Translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import type { UnitRow } from '../org';
import { START_PREFIX, type SurveyRow } from './types';

/** Posts the "take the survey" button in every bound group of the audience; returns how many got it. */
export async function announceSurvey(
  deps: Pick<Deps, 'db' | 'messenger' | 'config' | 'logger'>,
  t: Translate,
  survey: SurveyRow,
  audience: readonly Pick<UnitRow, 'path'>[],
  /** The reminder's text instead of the opening's. */
  override?: string,
): Promise<number> {
  const { db, messenger, config } = deps;
  if (audience.length === 0) return 0;
  const groups = await db
    .select({ platform: chats.platform, externalId: chats.externalId })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(or(...audience.map((unit) => like(units.path, `${unit.path}%`))))
    .orderBy(chats.id);
  let sent = 0;
  const text =
    override ??
    t('surveys.announce', {
      id: survey.id,
      title: survey.title,
      total: survey.questions.length,
      time: formatDateTime(survey.closesAt, config.timezone),
      k: survey.minAnswers,
    });
  for (const group of groups) {
    if (!messenger.has(group.platform) || !messenger.capabilities(group.platform).groups) continue;
    try {
      await messenger.send(
        { platform: group.platform, externalId: group.externalId, kind: 'group' },
        { text, buttons: [[{ label: t('surveys.take'), data: `${START_PREFIX}:${survey.id}` }]] },
      );
      sent++;
    } catch (error) {
      deps.logger.warn(
        { err: error, platform: group.platform, survey: survey.id },
        'survey announcement not sent',
      );
    }
  }
  return sent;
}
