import { defineCommand } from '../../../runtime/types';
import { findChatByInviteToken } from '../chats';
import { recordSeen } from '../membership';
import { findUnitById, unitLabel } from '../units';

/** /start [token]: the token comes from a deep link in a bound group and tells the person's unit. */
export const startCommand = defineCommand<{ token?: string }>({
  name: 'start',
  minRole: null,
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.start',
  usageKey: 'usage.start',
  parse: (args) => (args === '' ? {} : /^[A-Za-z0-9_-]{1,64}$/.test(args) ? { token: args } : null),
  async run(ctx, { token }) {
    const lines = [ctx.t('start.welcome', { name: ctx.actor.person.displayName })];
    if (token) {
      const chat = await findChatByInviteToken(ctx.deps.db, token);
      const unit = chat?.unitId ? await findUnitById(ctx.deps.db, chat.unitId) : undefined;
      if (chat && unit) {
        await recordSeen(ctx.deps.db, ctx.actor.person.id, chat.id, unit, ctx.actor.roles);
        lines.push(ctx.t('start.unitKnown', { unit: unitLabel(unit) }));
      } else lines.push(ctx.t('start.badLink'));
    }
    await ctx.reply(lines.join('\n\n'));
  },
});
