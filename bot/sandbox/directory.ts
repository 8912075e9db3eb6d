import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { chatMembers, chats, identities, people, units } from '../../db/schema';
import { type HeldRole, isWithinPath } from '../kernel/roles';
import type { Role } from '../kernel/types';
import { rolesOf } from '../runtime/roles';
import { type ChatKey, chatKeyOf, dmKey } from './keys';

/** Someone the page can act as: a person with a sandbox identity (usually from scenarios/demo.yaml). */
export interface Persona {
  key: string;
  name: string;
  personId: number;
  roles: { role: Role; unit: { code: string; name: string } | null }[];
}

export interface ChatView {
  key: ChatKey;
  kind: 'group' | 'dm';
  /** The group's title; null for the persona's DM with the bot. */
  title: string | null;
  unit: { code: string; name: string } | null;
}

const personaColumns = { key: identities.externalId, name: people.displayName, personId: people.id };

async function withRoles(db: Db, row: { key: string; name: string; personId: number }): Promise<Persona> {
  const held = await rolesOf(db, row.personId);
  return {
    ...row,
    roles: held.map((r) => ({
      role: r.role,
      unit: r.unitCode && r.unitName ? { code: r.unitCode, name: r.unitName } : null,
    })),
  };
}

export async function listPersonas(db: Db): Promise<Persona[]> {
  const rows = await db
    .select(personaColumns)
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(eq(identities.platform, 'sandbox'))
    .orderBy(asc(people.id));
  return Promise.all(rows.map((row) => withRoles(db, row)));
}

export async function findPersona(db: Db, key: string): Promise<Persona | undefined> {
  const [row] = await db
    .select(personaColumns)
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.platform, 'sandbox'), eq(identities.externalId, key)))
    .limit(1);
  return row ? withRoles(db, row) : undefined;
}

/**
 * A group is visible when its unit is within or above a unit the persona holds a role on
 * (organisation-wide roles see every group), or when the persona is a recorded member.
 * Unbound groups are visible to admins, who are the ones able to /link them.
 */
function canSeeGroup(held: readonly HeldRole[], unitPath: string | null, member: boolean): boolean {
  if (member) return true;
  if (unitPath === null) return held.some((r) => r.role === 'admin');
  return held.some(
    (r) => r.unitPath === null || isWithinPath(unitPath, r.unitPath) || isWithinPath(r.unitPath, unitPath),
  );
}

/** The sandbox groups a persona sees in unit-tree order (a cell, then its teams), then their DM with the bot. */
export async function visibleChats(db: Db, persona: Pick<Persona, 'key' | 'personId'>): Promise<ChatView[]> {
  const held = await rolesOf(db, persona.personId);
  const rows = await db
    .select({
      externalId: chats.externalId,
      title: chats.title,
      unitCode: units.code,
      unitName: units.name,
      unitPath: units.path,
      member: chatMembers.active,
    })
    .from(chats)
    .leftJoin(units, eq(units.id, chats.unitId))
    .leftJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.personId, persona.personId)))
    .where(eq(chats.platform, 'sandbox'))
    .orderBy(asc(chats.id));
  const groups: ChatView[] = rows
    .filter((row) => canSeeGroup(held, row.unitPath, row.member === true))
    .sort((a, b) => treeOrder(a.unitPath, b.unitPath))
    .map((row) => ({
      key: chatKeyOf({ kind: 'group', externalId: row.externalId }),
      kind: 'group',
      title: row.title ?? row.externalId,
      unit: row.unitCode && row.unitName ? { code: row.unitCode, name: row.unitName } : null,
    }));
  return [...groups, { key: dmKey(persona.key), kind: 'dm', title: null, unit: null }];
}

/** Depth-first order of unit paths ("/1/2/" before "/1/2/3/" before "/1/10/"); unbound chats last. */
function treeOrder(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = a.split('/').filter(Boolean).map(Number);
  const y = b.split('/').filter(Boolean).map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
