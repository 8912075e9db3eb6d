import type { ButtonHandler } from '../../../runtime/types';
import { findChat } from '../../org';
import { deliveredTo, recordAck, refreshAckCount } from '../acks';
import { findDirectiveById } from '../directives';
import { ACK_PREFIX } from '../message';

/**
 * "Đã nắm": `ack:<directive id>` records one acknowledgement per person and rewrites the count on
 * the message (throttled); `ack:p<id>` is a preview's button and records nothing. A button of a
 * stopped or deleted directive says so and changes nothing; so does a press in a chat the
 * directive was never delivered to (a forged Slack action, a button forwarded into a DM).
 */
export const directiveAckButton: ButtonHandler = {
  prefix: ACK_PREFIX,
  async handle(ctx, payload) {
    const preview = payload.startsWith('p');
    const id = Number(preview ? payload.slice(1) : payload);
    const directive = Number.isSafeInteger(id) ? await findDirectiveById(ctx.deps.db, id) : undefined;
    if (!directive || directive.cancelledAt) {
      await ctx.answer(ctx.t('ack.stale'), { alert: true });
      return;
    }
    if (preview) {
      await ctx.answer(ctx.t('ack.preview'));
      return;
    }
    if (!directive.ack) {
      await ctx.answer(ctx.t('ack.noAck'), { alert: true });
      return;
    }
    const chat = ctx.chat ?? (await findChat(ctx.deps.db, ctx.event.chat));
    const { platform, kind } = ctx.event.chat;
    const where = { chatId: chat?.id ?? null, platform, personId: ctx.actor.person.id, kind };
    if (!(await deliveredTo(ctx.deps.db, directive.id, where))) {
      ctx.logger.warn({ directive: directive.id }, 'acknowledgement refused: not delivered to this chat');
      await ctx.answer(ctx.t('ack.notDelivered'), { alert: true });
      return;
    }
    const recorded = await recordAck(ctx.deps.db, {
      directiveId: directive.id,
      personId: ctx.actor.person.id,
      unitId: chat?.unitId ?? null,
      chatId: chat?.id ?? null,
      at: ctx.deps.clock.now(),
    });
    await ctx.answer(recorded ? ctx.t('ack.recorded', { title: directive.title }) : ctx.t('ack.already'));
    if (recorded && chat && ctx.event.message) {
      await refreshAckCount(ctx.deps, {
        directiveId: directive.id,
        chatId: chat.id,
        messageId: ctx.event.message.messageId,
      });
    }
  },
};
