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
    const lines = [
      ctx.t('help.title'),
      ...allowed.map((c) => `${synopsis(c.name, ctx.t(c.usageKey))} — ${ctx.t(c.descriptionKey)}`),
    ];
    const best = highestRole(ctx.actor.roles);
    if (best) {
      const names = [...new Set(ctx.actor.roles.map((r) => ctx.t(`role.${r.role}`)))];
      lines.push('', ctx.t('help.roles', { roles: names.join(', ') }));
    }
    await ctx.reply(lines.join('\n'));
  },
});

/**
 * The command with its arguments, from the first line of its usage message: "Cách dùng: /push
 * MÃ_NHIỆM_VỤ [MÃ_ĐƠN_VỊ …]. Ví dụ…" → "/push MÃ_NHIỆM_VỤ [MÃ_ĐƠN_VỊ …]". Cut before a
 * parenthesis or the end of the sentence; just "/name" when the usage does not start with it.
 */
export function synopsis(name: string, usage: string): string {
  const first = usage.split('\n')[0] ?? '';
  const start = first.indexOf(`/${name}`);
  if (start < 0) return `/${name}`;
  const rest = first.slice(start);
  const end = rest.search(/ \(| — |\. |\.$|: /);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}
