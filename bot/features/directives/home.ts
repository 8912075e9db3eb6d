import { and, desc, eq, gt, inArray, isNull, notExists, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, directiveAcks, directiveDeliveries, directives } from '../../../db/schema';
import { formatDateTime } from '../../kernel/time';
import type { ChatRef, Platform } from '../../kernel/types';
import { translator } from '../../messages';
import { capped, type HomeContributor, type HomeItem } from '../../runtime/home';
import type { DirectiveRow } from './directives';
import { ACK_PREFIX } from './message';

/** A directive delivered longer ago than this no longer waits on the page. */
export const HOME_WINDOW_MS = 14 * 86_400_000;

/**
 * Directives asking for "Đã nắm" that reached this person on this platform — in a bound group
 * they are an active member of, or by DM — and that they have not acknowledged anywhere, newest
 * first, each with the chat it reached them in: the page's button records the acknowledgement in
 * the same ledger, through the same checks (`deliveredTo`), as the message's button.
 */
export async function directivesToAcknowledge(
  db: DbOrTx,
  viewer: { personId: number; platform: Platform; dm?: ChatRef },
  now: Date,
): Promise<{ directive: DirectiveRow; sentAt: Date; answerIn: ChatRef }[]> {
  const { personId, platform } = viewer;
  const rows = await db
    .select({
      directive: directives,
      sentAt: directiveDeliveries.sentAt,
      chatExternalId: chats.externalId,
      dmExternalId: directiveDeliveries.dmExternalId,
    })
    .from(directiveDeliveries)
    .innerJoin(directives, eq(directives.id, directiveDeliveries.directiveId))
    .leftJoin(chats, eq(chats.id, directiveDeliveries.chatId))
    .where(
      and(
        eq(directiveDeliveries.status, 'sent'),
        gt(directiveDeliveries.sentAt, new Date(now.getTime() - HOME_WINDOW_MS)),
        eq(directives.ack, true),
        isNull(directives.cancelledAt),
        or(
          and(
            eq(chats.platform, platform),
            inArray(
              directiveDeliveries.chatId,
              db
                .select({ id: chatMembers.chatId })
                .from(chatMembers)
                .where(and(eq(chatMembers.personId, personId), eq(chatMembers.active, true))),
            ),
          ),
          and(
            isNull(directiveDeliveries.chatId),
            eq(directiveDeliveries.personId, personId),
            eq(directiveDeliveries.dmPlatform, platform),
          ),
        ),
        notExists(
          db
            .select({ one: sql`1` })
            .from(directiveAcks)
            .where(and(eq(directiveAcks.directiveId, directives.id), eq(directiveAcks.personId, personId))),
        ),
      ),
    )
    .orderBy(desc(directiveDeliveries.sentAt));
  const seen = new Map<number, { directive: DirectiveRow; sentAt: Date; answerIn: ChatRef }>();
  for (const row of rows) {
    if (seen.has(row.directive.id) || !row.sentAt) continue;
    const answerIn: ChatRef | undefined = row.chatExternalId
      ? { platform, externalId: row.chatExternalId, kind: 'group' }
      : (viewer.dm ??
        (row.dmExternalId ? { platform, externalId: row.dmExternalId, kind: 'dm' } : undefined));
    if (answerIn) seen.set(row.directive.id, { directive: row.directive, sentAt: row.sentAt, answerIn });
  }
  return [...seen.values()];
}

/** The page's "directives to acknowledge", each with its "Đã nắm" button. */
export const directivesHome: HomeContributor = async (deps, viewer) => {
  const t = translator(viewer.actor.locale);
  const pending = await directivesToAcknowledge(
    deps.db,
    { personId: viewer.actor.person.id, platform: viewer.platform, dm: viewer.dm },
    deps.clock.now(),
  );
  const items: HomeItem[] = pending.map(({ directive, sentAt, answerIn }) => ({
    key: `directive:${directive.id}`,
    title: directive.title,
    detail: t('directive.home.detail', { time: formatDateTime(sentAt, deps.config.timezone) }),
    answerIn,
    buttons: [[{ label: t('directive.ackButton'), data: `${ACK_PREFIX}:${directive.id}` }]],
  }));
  return { kind: 'directives', title: t('directive.home.title'), ...capped(items) };
};
