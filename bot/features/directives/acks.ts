import { and, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, directiveAcks, directiveDeliveries, directives } from '../../../db/schema';
import type { ChatRef, Platform } from '../../kernel/types';
import type { Deps } from '../../runtime/deps';
import { ackRates } from './materialise';
import { directiveMessage } from './message';

/** The count on a message is rewritten at most this often; the tick catches up on the rest. */
export const ACK_EDIT_THROTTLE_MS = 5_000;
const REFRESH_WINDOW_MS = 14 * 86_400_000;

/** One acknowledgement per person per directive; false when they had already acknowledged. */
export async function recordAck(
  db: DbOrTx,
  ack: { directiveId: number; personId: number; unitId: number | null; chatId: number | null; at: Date },
): Promise<boolean> {
  const inserted = await db
    .insert(directiveAcks)
    .values(ack)
    .onConflictDoNothing()
    .returning({ personId: directiveAcks.personId });
  return inserted.length > 0;
}

/**
 * True when the directive was really delivered to this chat: a ledger row marked sent, to this
 * group (bound chat) or, in a DM, to the person pressing on this platform. An acknowledgement is
 * only taken where this holds — a forged or stale button elsewhere counts for nothing.
 */
export async function deliveredTo(
  db: DbOrTx,
  directiveId: number,
  where: { chatId: number | null; platform: Platform; personId: number; kind: 'dm' | 'group' },
): Promise<boolean> {
  const recipient =
    where.kind === 'group'
      ? where.chatId === null
        ? undefined
        : eq(directiveDeliveries.chatId, where.chatId)
      : and(
          isNull(directiveDeliveries.chatId),
          eq(directiveDeliveries.personId, where.personId),
          eq(directiveDeliveries.dmPlatform, where.platform),
        );
  if (!recipient) return false;
  const rows = await db
    .select({ id: directiveDeliveries.id })
    .from(directiveDeliveries)
    .where(
      and(
        eq(directiveDeliveries.directiveId, directiveId),
        eq(directiveDeliveries.status, 'sent'),
        recipient,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Members of the chat who acknowledged the directive (in this chat or another). */
export async function ackCountInChat(db: DbOrTx, directiveId: number, chatId: number): Promise<number> {
  return (await ackRates(db, directiveId, [chatId])).get(chatId)?.acked ?? 0;
}

/**
 * Rewrites the count on one sent message unless it was rewritten within the throttle; the
 * claim on the ledger row makes concurrent presses (and processes) edit it once.
 */
export async function refreshAckCount(
  deps: Deps,
  target: { directiveId: number; chatId: number; messageId: string },
): Promise<boolean> {
  const now = deps.clock.now();
  const count = await ackCountInChat(deps.db, target.directiveId, target.chatId);
  const claimed = await deps.db
    .update(directiveDeliveries)
    .set({ ackShown: count, ackEditedAt: now })
    .where(
      and(
        eq(directiveDeliveries.directiveId, target.directiveId),
        eq(directiveDeliveries.chatId, target.chatId),
        eq(directiveDeliveries.platformMessageId, target.messageId),
        or(
          isNull(directiveDeliveries.ackEditedAt),
          lte(directiveDeliveries.ackEditedAt, new Date(now.getTime() - ACK_EDIT_THROTTLE_MS)),
        ),
      ),
    )
    .returning({ kind: directiveDeliveries.kind });
  if (claimed.length === 0) return false;
  const [directive] = await deps.db.select().from(directives).where(eq(directives.id, target.directiveId));
  const [chat] = await deps.db.select().from(chats).where(eq(chats.id, target.chatId));
  if (!directive || !chat) return false;
  const ref: ChatRef = { platform: chat.platform, externalId: chat.externalId, kind: 'group' };
  try {
    await deps.messenger.edit(
      { chat: ref, messageId: target.messageId },
      directiveMessage(directive, deps.config.locale, claimed[0]!.kind, count),
    );
  } catch (error) {
    deps.logger.warn({ err: error, directive: target.directiveId }, 'acknowledgement count edit failed');
  }
  return true;
}

/** Messages whose shown count is behind newer acknowledgements (presses inside the throttle window). */
export async function refreshStaleAckCounts(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const stale = await deps.db
    .select({
      directiveId: directiveDeliveries.directiveId,
      chatId: sql<number>`${directiveDeliveries.chatId}`,
      messageId: directiveDeliveries.platformMessageId,
    })
    .from(directiveDeliveries)
    .innerJoin(directives, eq(directives.id, directiveDeliveries.directiveId))
    .where(
      and(
        eq(directiveDeliveries.status, 'sent'),
        isNotNull(directiveDeliveries.chatId),
        eq(directives.ack, true),
        isNull(directives.cancelledAt),
        gt(directiveDeliveries.sentAt, new Date(now.getTime() - REFRESH_WINDOW_MS)),
        sql`exists (select 1 from ${directiveAcks} a where a.directive_id = ${directiveDeliveries.directiveId}
          and a.at > coalesce(${directiveDeliveries.ackEditedAt}, ${directiveDeliveries.sentAt}))`,
      ),
    )
    .limit(200);
  let edited = 0;
  for (const row of stale) {
    if (!row.messageId) continue;
    const count = await ackCountInChat(deps.db, row.directiveId, row.chatId);
    const shown = await deps.db
      .select({ ackShown: directiveDeliveries.ackShown })
      .from(directiveDeliveries)
      .where(
        and(
          eq(directiveDeliveries.chatId, row.chatId),
          eq(directiveDeliveries.platformMessageId, row.messageId),
        ),
      );
    if (shown[0]?.ackShown === count) {
      await deps.db
        .update(directiveDeliveries)
        .set({ ackEditedAt: now })
        .where(
          and(
            eq(directiveDeliveries.chatId, row.chatId),
            eq(directiveDeliveries.platformMessageId, row.messageId),
          ),
        );
      continue;
    }
    if (await refreshAckCount(deps, { ...row, messageId: row.messageId })) edited++;
  }
  return edited;
}
