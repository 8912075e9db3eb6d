import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { identities, people, roles } from '../../db/schema';
import { type Locale, localeOr } from '../kernel/i18n';
import { can, type HeldRole } from '../kernel/roles';
import type { Platform } from '../kernel/types';
import { translate } from '../messages';
import type { CommandRegistry } from './dispatch';
import { rolesOf } from './roles';
import type { CommandDefinition } from './types';

export interface MenuEntry {
  command: string;
  description: string;
}

/** One "/" menu: for everyone (in a language) or for one person's DM with the bot. */
export type CommandMenu =
  | { key: string; scope: 'everyone'; locale: Locale | null; entries: MenuEntry[] }
  | { key: string; scope: 'person'; externalId: string; entries: MenuEntry[] };

function entries(commands: readonly CommandDefinition[], locale: Locale, held: readonly HeldRole[] | null) {
  return commands
    .filter((c) => c.minRole === null || (held !== null && can(held, c.minRole)))
    .map((c) => ({ command: c.name, description: translate(locale, c.descriptionKey).slice(0, 256) }));
}

/**
 * The menus a platform with per-chat command menus should show: everyone sees the commands anyone
 * may run (in the default language, and English for English-language clients); people holding a
 * role above worker get their own menu in their DM with the bot.
 */
export async function commandMenus(
  db: Db,
  registry: CommandRegistry,
  options: { platform: Platform; defaultLocale: Locale },
): Promise<CommandMenu[]> {
  const everyone = registry.commands;
  const menus: CommandMenu[] = [
    {
      key: 'default',
      scope: 'everyone',
      locale: null,
      entries: entries(everyone, options.defaultLocale, null),
    },
    { key: 'default:en', scope: 'everyone', locale: 'en', entries: entries(everyone, 'en', null) },
  ];
  const privileged = await db
    .selectDistinct({ personId: people.id, locale: people.locale, externalId: identities.externalId })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .innerJoin(identities, and(eq(identities.personId, people.id), eq(identities.platform, options.platform)))
    .where(ne(roles.role, 'worker'));
  for (const person of privileged) {
    const locale = localeOr(person.locale, options.defaultLocale);
    const held = await rolesOf(db, person.personId);
    menus.push({
      key: `chat:${person.externalId}`,
      scope: 'person',
      externalId: person.externalId,
      entries: entries(everyone, locale, held),
    });
  }
  return menus;
}
