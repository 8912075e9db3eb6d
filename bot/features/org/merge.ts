import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { chatMembers, identities, linkCodes, people, roles, units } from '../../../db/schema';

/** Tables whose person rows mergePeople moves itself, because they need more than a plain update. */
const MERGED_EXPLICITLY = new Set(['identities', 'roles', 'chat_members', 'link_codes', 'people']);

/**
 * Moves everything of person `from` onto person `into`, then deletes `from` (inside the caller's
 * transaction): platform accounts, roles, group memberships, language, scenario key, and every other
 * row that references the person. Anonymity is untouched: answers never reference a person;
 * participation records do, and move with the person so "one answer per person" still holds.
 *
 * Tables added later that reference people.id are moved by a plain UPDATE (found in the catalog),
 * so nothing is lost to ON DELETE CASCADE. A table with a unique key per person (e.g. poll
 * participation: one row per poll and person) may hold rows of both people for the same key, and a plain
 * UPDATE would collide: `dropCollidingRows` first removes `from`'s row wherever `into` already has
 * one under the same unique key. For poll participation that means someone who answered one poll on
 * two platforms before linking keeps one participation row; both anonymous answers stay counted,
 * since nothing can tell which answer was theirs.
 */
export async function mergePeople(tx: Tx, from: number, into: number): Promise<void> {
  if (from === into) return;
  await tx.update(identities).set({ personId: into }).where(eq(identities.personId, from));
  await mergeRoles(tx, from, into);
  await mergeMemberships(tx, from, into);
  await tx.delete(linkCodes).where(eq(linkCodes.personId, from));
  await mergeProfile(tx, from, into);
  for (const { table, column } of await otherPersonReferences(tx)) {
    await dropCollidingRows(tx, table, column, from, into);
    await tx.execute(
      sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${into} where ${sql.identifier(column)} = ${from}`,
    );
  }
  await tx.delete(people).where(eq(people.id, from));
}

async function mergeRoles(tx: Tx, from: number, into: number): Promise<void> {
  const moving = await tx.select().from(roles).where(eq(roles.personId, from));
  if (moving.length > 0) {
    await tx
      .insert(roles)
      .values(moving.map(({ unitId, role, source }) => ({ personId: into, unitId, role, source })))
      .onConflictDoNothing();
    await tx.delete(roles).where(eq(roles.personId, from));
  }
  // Membership inference keeps at most one inferred worker role, and none beside a given one.
  const workers = await tx
    .select({ id: roles.id, source: roles.source, depth: units.depth })
    .from(roles)
    .innerJoin(units, eq(units.id, roles.unitId))
    .where(and(eq(roles.personId, into), eq(roles.role, 'worker')));
  const inferred = workers.filter((w) => w.source === 'seen').sort((a, b) => b.depth - a.depth);
  const keep = workers.some((w) => w.source !== 'seen') ? 0 : 1;
  const drop = inferred.slice(keep).map((w) => w.id);
  if (drop.length > 0) await tx.delete(roles).where(inArray(roles.id, drop));
}

async function mergeMemberships(tx: Tx, from: number, into: number): Promise<void> {
  const moving = await tx.select().from(chatMembers).where(eq(chatMembers.personId, from));
  for (const member of moving) {
    await tx
      .insert(chatMembers)
      .values({ chatId: member.chatId, personId: into, active: member.active })
      .onConflictDoUpdate({
        target: [chatMembers.chatId, chatMembers.personId],
        set: { active: sql`${chatMembers.active} or excluded.active` },
      });
  }
  await tx.delete(chatMembers).where(eq(chatMembers.personId, from));
}

async function mergeProfile(tx: Tx, from: number, into: number): Promise<void> {
  const [source] = await tx.select().from(people).where(eq(people.id, from));
  const [target] = await tx.select().from(people).where(eq(people.id, into));
  if (!source || !target) throw new Error('mergePeople: person not found');
  const scenarioKey = target.scenarioKey ?? source.scenarioKey;
  if (source.scenarioKey) await tx.update(people).set({ scenarioKey: null }).where(eq(people.id, from));
  await tx
    .update(people)
    .set({ locale: target.locale ?? source.locale, scenarioKey })
    .where(eq(people.id, into));
}

async function otherPersonReferences(tx: Tx): Promise<{ table: string; column: string }[]> {
  const result = await tx.execute(sql`
    select rel.relname as "table", att.attname as "column"
    from pg_constraint con
    join pg_class rel on rel.oid = con.conrelid
    join pg_namespace ns on ns.oid = rel.relnamespace
    join pg_attribute att on att.attrelid = con.conrelid and att.attnum = any (con.conkey)
    where con.contype = 'f' and con.confrelid = 'people'::regclass and ns.nspname = current_schema()
    order by 1, 2`);
  // postgres.js returns the rows, PGlite an object holding them.
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
    table: string;
    column: string;
  }[];
  return rows.filter((row) => !MERGED_EXPLICITLY.has(row.table));
}

/** Deletes `from`'s rows that `into` already has under a unique key containing the person column. */
async function dropCollidingRows(tx: Tx, table: string, column: string, from: number, into: number) {
  const result = await tx.execute(sql`
    select array_agg(att.attname::text) filter (where att.attname <> ${column}) as "others"
    from pg_index idx
    join pg_attribute att on att.attrelid = idx.indrelid and att.attnum = any (idx.indkey)
    where idx.indrelid = ${table}::regclass and idx.indisunique
      and exists (select 1 from pg_attribute p where p.attrelid = idx.indrelid
                  and p.attnum = any (idx.indkey) and p.attname = ${column})
    group by idx.indexrelid`);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
    others: string[] | null;
  }[];
  for (const { others } of rows) {
    const sameKey = (others ?? []).map(
      (name) => sql`and a.${sql.identifier(name)} is not distinct from b.${sql.identifier(name)}`,
    );
    await tx.execute(sql`
      delete from ${sql.identifier(table)} a
      where a.${sql.identifier(column)} = ${from}
        and exists (select 1 from ${sql.identifier(table)} b
                    where b.${sql.identifier(column)} = ${into} ${sql.join(sameKey, sql` `)})`);
  }
}
