import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { pollDeliveries, units } from '../../../db/schema';
import { localeOr } from '../../kernel/i18n';
import type { Deps } from '../../runtime/deps';
import { grouplessTargets, groupTargets } from './audience';
import type { DeliveryRow, PollRow } from './types';

export type Announcement = Pick<
  DeliveryRow,
  'platform' | 'chatExternalId' | 'chatKind' | 'unitId' | 'locale'
>;

/**
 * Where a poll's reminders and results go: where a group poll was posted (its groups, and the
 * private chats of people who have no group); for a --dm poll, the audience's groups and those same
 * group-less people. Always everyone of a group — never "the people who have not answered".
 */
export async function announcementTargets(deps: Deps, tx: Tx, poll: PollRow): Promise<Announcement[]> {
  if (!poll.dm) {
    return tx
      .select({
        platform: pollDeliveries.platform,
        chatExternalId: pollDeliveries.chatExternalId,
        chatKind: pollDeliveries.chatKind,
        unitId: pollDeliveries.unitId,
        locale: pollDeliveries.locale,
      })
      .from(pollDeliveries)
      .where(
        and(
          eq(pollDeliveries.pollId, poll.id),
          eq(pollDeliveries.purpose, 'poll'),
          eq(pollDeliveries.status, 'sent'),
        ),
      )
      .orderBy(asc(pollDeliveries.id));
  }
  const roots = await tx
    .select({ id: units.id, path: units.path })
    .from(units)
    .where(inArray(units.id, poll.audience));
  const groups = await groupTargets(tx, deps.messenger, roots);
  const groupless = await grouplessTargets(tx, deps.messenger, roots);
  return [
    ...groups.map((g) => ({
      platform: g.platform,
      chatExternalId: g.externalId,
      chatKind: 'group' as const,
      unitId: g.unitId,
      locale: deps.config.locale,
    })),
    ...groupless.map((p) => ({
      platform: p.platform,
      chatExternalId: p.externalId,
      chatKind: 'dm' as const,
      unitId: p.unitId,
      locale: localeOr(p.locale, deps.config.locale),
    })),
  ];
}
