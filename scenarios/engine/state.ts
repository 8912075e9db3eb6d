import type { DbOrTx } from '../../db/client';
import { chats, identities, people, roles, units } from '../../db/schema';

/** The rows a scenario plan compares against. */
export interface OrganisationState {
  units: { id: number; code: string; name: string; parentId: number | null }[];
  people: { id: number; displayName: string; scenarioKey: string | null }[];
  identities: { personId: number; platform: string; externalId: string }[];
  roles: (typeof roles.$inferSelect)[];
  chats: { platform: string; externalId: string; title: string | null; unitId: number | null }[];
}

export async function readOrganisation(db: DbOrTx): Promise<OrganisationState> {
  return {
    units: await db
      .select({ id: units.id, code: units.code, name: units.name, parentId: units.parentId })
      .from(units)
      .orderBy(units.id),
    people: await db
      .select({ id: people.id, displayName: people.displayName, scenarioKey: people.scenarioKey })
      .from(people)
      .orderBy(people.id),
    identities: await db
      .select({
        personId: identities.personId,
        platform: identities.platform,
        externalId: identities.externalId,
      })
      .from(identities)
      .orderBy(identities.id),
    roles: await db.select().from(roles).orderBy(roles.id),
    chats: await db
      .select({
        platform: chats.platform,
        externalId: chats.externalId,
        title: chats.title,
        unitId: chats.unitId,
      })
      .from(chats)
      .orderBy(chats.id),
  };
}

export function accountKey(platform: string, externalId: string): string {
  return `${platform}:${externalId}`;
}

/** How a plan names a person: the scenario key, or `#id "name"` for someone only seen in a chat. */
export function personLabel(person: OrganisationState['people'][number]): string {
  return person.scenarioKey ?? `#${person.id} "${person.displayName}"`;
}
