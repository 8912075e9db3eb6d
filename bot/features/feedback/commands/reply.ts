import { defineCommand } from '../../../runtime/types';
import { findUnitById } from '../../org';
import { findFeedback, replyToFeedback } from '../feedback';

/** /reply ID TEXT, in a DM: a leader answers anonymous feedback; neither side learns who the other is beyond their unit. */
export const replyCommand = defineCommand<{ id: string; text: string }>({
  name: 'reply',
  aliases: ['traloi'],
  minRole: 'leader',
  where: 'dm',
  audited: true,
  descriptionKey: 'cmd.reply',
  usageKey: 'usage.reply',
  parse: (args) => {
    const match = /^#?([0-9a-fA-F][0-9a-fA-F-]{5,35})\s+([\s\S]+)$/.exec(args);
    return match ? { id: match[1]!.toLowerCase(), text: match[2]!.trim() } : null;
  },
  async scope(ctx, { id }) {
    const found = await findFeedback(ctx.deps.db, id);
    if (found === 'ambiguous') return { ok: false, message: ctx.t('feedback.reply.ambiguous', { id }) };
    if (!found) return { ok: false, message: ctx.t('feedback.reply.unknown', { id }) };
    const unit = await findUnitById(ctx.deps.db, found.unitId);
    return unit ? { ok: true, unit } : { ok: false, message: ctx.t('feedback.reply.unknown', { id }) };
  },
  async run(ctx, { id, text }) {
    const found = await findFeedback(ctx.deps.db, id);
    if (!found || found === 'ambiguous') return ctx.reply(ctx.t('feedback.reply.unknown', { id }));
    const unit = await findUnitById(ctx.deps.db, found.unitId);
    const outcome = await replyToFeedback(ctx.deps, found, {
      text,
      unitName: unit?.name ?? '',
      now: ctx.deps.clock.now(),
    });
    const key = {
      sent: 'feedback.reply.sent',
      no_handle: 'feedback.reply.noHandle',
      undeliverable: 'feedback.reply.undeliverable',
      disabled: 'feedback.reply.disabled',
    } as const;
    await ctx.reply(ctx.t(key[outcome], { id }));
  },
});
