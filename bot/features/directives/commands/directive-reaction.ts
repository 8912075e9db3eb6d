import { and, eq, isNull } from 'drizzle-orm';
import { directiveDeliveries, directives } from '../../../../db/schema';
import type { ReactionHandler } from '../../../runtime/handle-event';
import { recordAck, refreshAckCount } from '../acks';

/** The reactions that mean "Đã nắm" (acknowledged). */
export const ACK_REACTIONS = new Set(['👍']);

/**
 * A 👍 on a directive's message counts as "Đã nắm", in the same ledger as the button (once per
 * person per directive, whichever way): the message is found by the delivery that sent it — in a
 * bound group, or in this person's DM on this platform — so a reaction anywhere else counts for
 * nothing. Silent: no reply, only the count on the message is refreshed.
 */
export const directiveReaction: ReactionHandler = async (ctx, event) => {
  if (!event.emoji.some((emoji) => ACK_REACTIONS.has(emoji))) return;
  const { db } = ctx.deps;
  const recipient =
    event.chat.kind === 'group'
      ? ctx.chat
        ? eq(directiveDeliveries.chatId, ctx.chat.id)
        : undefined
      : and(
          isNull(directiveDeliveries.chatId),
          eq(directiveDeliveries.personId, ctx.actor.person.id),
          eq(directiveDeliveries.dmPlatform, event.chat.platform),
        );
  if (!recipient) return;
  const [delivery] = await db
    .select({ directiveId: directiveDeliveries.directiveId })
    .from(directiveDeliveries)
    .innerJoin(directives, eq(directives.id, directiveDeliveries.directiveId))
    .where(
      and(
        recipient,
        eq(directiveDeliveries.platformMessageId, event.message.messageId),
        eq(directiveDeliveries.status, 'sent'),
        eq(directives.ack, true),
        isNull(directives.cancelledAt),
      ),
    )
    .limit(1);
  if (!delivery) return;
  const recorded = await recordAck(db, {
    directiveId: delivery.directiveId,
    personId: ctx.actor.person.id,
    unitId: ctx.chat?.unitId ?? null,
    chatId: ctx.chat?.id ?? null,
    at: ctx.deps.clock.now(),
  });
  ctx.logger.debug({ directive: delivery.directiveId, recorded }, 'directive acknowledged by reaction');
  if (recorded && ctx.chat) {
    await refreshAckCount(ctx.deps, {
      directiveId: delivery.directiveId,
      chatId: ctx.chat.id,
      messageId: event.message.messageId,
    });
  }
};
