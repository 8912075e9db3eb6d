import { defineCommand } from '../../../runtime/types';
import { identitiesOf } from '../people';

export const whoamiCommand = defineCommand<Record<string, never>>({
  name: 'whoami',
  minRole: null,
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.whoami',
  usageKey: 'usage.whoami',
  parse: (args) => (args === '' ? {} : null),
  async run(ctx) {
    const { t, actor } = ctx;
    const accounts = await identitiesOf(ctx.deps.db, actor.person.id);
    const lines = [t('whoami.title', { name: actor.person.displayName })];
    if (actor.roles.length === 0) lines.push(t('whoami.none'));
    for (const role of actor.roles) {
      const unit = role.unitCode ? `${role.unitName} (${role.unitCode})` : t('unit.all');
      lines.push(t('whoami.line', { role: t(`role.${role.role}`), unit }));
    }
    lines.push(t('whoami.identities', { identities: accounts.map((a) => a.platform).join(', ') }));
    await ctx.reply(lines.join('\n'));
  },
});
