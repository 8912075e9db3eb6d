import { can, highestRole } from '../../../kernel/roles';
import { defineCommand } from '../../../runtime/types';

/** /help lists exactly the commands the caller may run, in their language. */
export const helpCommand = defineCommand<Record<string, never>>({
  name: 'help',
  minRole: null,
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.help',
  usageKey: 'usage.help',
  parse: () => ({}),
  async run(ctx) {
    const allowed = ctx.commands.filter((c) => c.minRole === null || can(ctx.actor.roles, c.minRole));
    const lines = [ctx.t('help.title'), ...allowed.map((c) => `/${c.name} — ${ctx.t(c.descriptionKey)}`)];
    const best = highestRole(ctx.actor.roles);
    if (best) {
      const names = [...new Set(ctx.actor.roles.map((r) => ctx.t(`role.${r.role}`)))];
      lines.push('', ctx.t('help.roles', { roles: names.join(', ') }));
    }
    await ctx.reply(lines.join('\n'));
  },
});
