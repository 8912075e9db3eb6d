import { and, eq, ne } from 'drizzle-orm';
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Db } from '../../../db/client';
import { identities, people, roles } from '../../../db/schema';
import { rolesOf } from '../../features/org/roles';
import type { Locale } from '../../kernel/i18n';
import { can, type HeldRole } from '../../kernel/roles';
import { translate } from '../../messages';
import type { CommandRegistry } from '../../runtime/dispatch';
import type { CommandDefinition } from '../../runtime/types';

function menu(
  commands: readonly CommandDefinition[],
  locale: Locale,
  held: readonly HeldRole[] | null,
): BotCommand[] {
  return commands
    .filter((c) => c.minRole === null || (held !== null && can(held, c.minRole)))
    .map((c) => ({ command: c.name, description: translate(locale, c.descriptionKey).slice(0, 256) }));
}

/**
 * Sets the "/" menus: everyone sees the commands anyone may run (Vietnamese by default, English
 * for English-language clients); people holding a role above worker get their own menu in their
 * DM with the bot. Menus already sent with the same content are skipped.
 */
export async function syncCommandMenus(
  api: Api,
  db: Db,
  registry: CommandRegistry,
  defaultLocale: Locale,
  sent: Map<string, string> = new Map(),
): Promise<number> {
  let calls = 0;
  const set = async (key: string, commands: BotCommand[], other: Parameters<Api['setMyCommands']>[1]) => {
    const fingerprint = JSON.stringify(commands);
    if (sent.get(key) === fingerprint) return;
    await api.setMyCommands(commands, other);
    sent.set(key, fingerprint);
    calls++;
  };
  const everyone = registry.commands;
  await set('default', menu(everyone, defaultLocale, null), { scope: { type: 'default' } });
  await set('default:en', menu(everyone, 'en', null), { scope: { type: 'default' }, language_code: 'en' });

  const privileged = await db
    .selectDistinct({ personId: people.id, locale: people.locale, telegramId: identities.externalId })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .innerJoin(identities, and(eq(identities.personId, people.id), eq(identities.platform, 'telegram')))
    .where(ne(roles.role, 'worker'));
  for (const person of privileged) {
    const locale = (person.locale as Locale | null) ?? defaultLocale;
    const held = await rolesOf(db, person.personId);
    await set(`chat:${person.telegramId}`, menu(everyone, locale, held), {
      scope: { type: 'chat', chat_id: Number(person.telegramId) },
    });
  }
  return calls;
}
