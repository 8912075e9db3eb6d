import { getTableColumns, sql, type Table } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, people, units } from '../../../db/schema';
import type { HeldRole } from '../../kernel/roles';
import type { ChatRef, UserRef } from '../../kernel/types';
import type { ChatRow, PersonRow, UnitRow } from '../../runtime/types';

export interface KnownActor {
  person: PersonRow;
  username: string | null;
  roles: HeldRole[];
  /** The group with its bound unit, when one was asked for and is already known. */
  group: { chat: ChatRow; unit: UnitRow | null } | null;
  /** The person is an active member of the group now (recorded by this statement when they were not). */
  memberRecorded: boolean;
}

/** A row of `table` from its `to_jsonb` form: column names to field names, values as the driver maps them. */
function fromJson<T>(table: Table, json: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T;
}

interface ActorRow {
  person: Record<string, unknown>;
  username: string | null;
  roles: HeldRole[];
  chat: Record<string, unknown> | null;
  unit: Record<string, unknown> | null;
}

/**
 * Who is behind an update, in one statement: the person, their roles and (for a group) the chat with
 * its unit. Every update starts with this, so on the embedded database one round trip instead of
 * three is most of an answer's cost. Undefined when the account is new: the caller creates it.
 */
export async function findKnownActor(
  db: DbOrTx,
  user: UserRef,
  chat?: ChatRef,
  options: { recordMember?: boolean } = {},
): Promise<KnownActor | undefined> {
  const group = chat ? sql`c.platform = ${chat.platform} and c.external_id = ${chat.externalId}` : sql`false`;
  // Membership of a bound group is written only when it is not already active: chatter reads, never writes.
  const result = await db.execute(sql`
    with a as (
      select p.*, i.username as account_username
      from identities i join people p on p.id = i.person_id
      where i.platform = ${user.platform} and i.external_id = ${user.externalId}
      limit 1
    ), g as (
      select to_jsonb(c) as chat, to_jsonb(cu) as unit, c.id, c.unit_id
      from chats c left join units cu on cu.id = c.unit_id
      where ${group}
      limit 1
    ), m as (
      insert into chat_members (chat_id, person_id, active)
      select g.id, a.id, true from a, g
      where ${options.recordMember === true} and g.unit_id is not null
        and not exists (select 1 from chat_members cm where cm.chat_id = g.id and cm.person_id = a.id and cm.active)
      on conflict (chat_id, person_id) do update set active = true
      returning 1
    )
    select to_jsonb(a) as person, a.account_username as username,
      (select coalesce(jsonb_agg(jsonb_build_object(
                'role', r.role, 'unitId', r.unit_id, 'unitCode', u.code, 'unitName', u.name,
                'unitPath', u.path, 'source', r.source)), '[]'::jsonb)
         from roles r left join units u on u.id = r.unit_id where r.person_id = a.id) as roles,
      g.chat, g.unit, (select count(*) from m) as recorded
    from a left join g on true`);
  const rows = (
    Array.isArray(result) ? result : (result as unknown as { rows: ActorRow[] }).rows
  ) as ActorRow[];
  const [row] = rows;
  if (!row) return undefined;
  return {
    person: fromJson<PersonRow>(people, row.person),
    username: row.username,
    roles: row.roles,
    group: row.chat
      ? {
          chat: fromJson<ChatRow>(chats, row.chat),
          unit: row.unit ? fromJson<UnitRow>(units, row.unit) : null,
        }
      : null,
    memberRecorded: options.recordMember === true && row.chat !== null,
  };
}
