import { translate } from '../../../messages';
import { defineCommand } from '../../../runtime/types';
import { setLocale } from '../people';

export const langCommand = defineCommand<{ locale: 'vi' | 'en' }>({
  name: 'lang',
  minRole: null,
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.lang',
  usageKey: 'usage.lang',
  parse: (args) => {
    const value = args.toLowerCase();
    return value === 'vi' || value === 'en' ? { locale: value } : null;
  },
  async run(ctx, { locale }) {
    await setLocale(ctx.deps.db, ctx.actor.person.id, locale);
    await ctx.reply(translate(locale, 'lang.set'));
  },
});
