import { parseUnitCode } from '../../../kernel/units';
import { defineCommand } from '../../../runtime/types';
import { bindChat, unbindChat } from '../chats';
import { findUnitByCode, findUnitById, unitLabel } from '../units';

/** /link UNIT_CODE, in a group: binds the group to the unit (admin of that unit). */
export const linkCommand = defineCommand<{ code: string }>({
  name: 'link',
  minRole: 'admin',
  where: 'group',
  audited: true,
  descriptionKey: 'cmd.link',
  usageKey: 'usage.link',
  parse: (args) => {
    const code = parseUnitCode(args);
    return code ? { code } : null;
  },
  async scope(ctx, { code }) {
    const unit = await findUnitByCode(ctx.deps.db, code);
    return unit ? { ok: true, unit } : { ok: false, message: ctx.t('error.unknownUnit', { code }) };
  },
  async run(ctx, { code }) {
    const unit = (await findUnitByCode(ctx.deps.db, code))!;
    const chat = ctx.chat!;
    if (chat.unitId === unit.id) {
      await ctx.reply(ctx.t('link.already', { unit: unitLabel(unit) }));
      return;
    }
    await bindChat(ctx.deps.db, chat.id, unit.id, ctx.deps.clock.now(), ctx.event.chat.title);
    await ctx.reply({
      text: ctx.t('link.done', { chat: ctx.event.chat.title ?? chat.externalId, unit: unitLabel(unit) }),
      buttons: [[{ label: ctx.t('link.openDm'), startPayload: chat.inviteToken }]],
    });
  },
});

/** /unlink, in a bound group (admin of the bound unit). */
export const unlinkCommand = defineCommand<Record<string, never>>({
  name: 'unlink',
  minRole: 'admin',
  where: 'group',
  audited: true,
  descriptionKey: 'cmd.unlink',
  usageKey: 'usage.unlink',
  parse: (args) => (args === '' ? {} : null),
  async scope(ctx) {
    const unit = ctx.chat?.unitId ? await findUnitById(ctx.deps.db, ctx.chat.unitId) : undefined;
    return unit ? { ok: true, unit } : { ok: false, message: ctx.t('unlink.notLinked') };
  },
  async run(ctx) {
    const unit = (await findUnitById(ctx.deps.db, ctx.chat!.unitId!))!;
    await unbindChat(ctx.deps.db, ctx.chat!.id);
    await ctx.reply(ctx.t('unlink.done', { unit: unitLabel(unit) }));
  },
});
