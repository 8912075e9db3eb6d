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
  // Membership of a bound group is written only when it is not already active: chatter reads, never
  // writes. The statement is the function pulse_known_actor (migration 0024): its plan is kept.
  const result = await db.execute(sql`
    select * from pulse_known_actor(${user.platform}, ${user.externalId}, ${chat?.platform ?? null},
      ${chat?.externalId ?? null}, ${options.recordMember === true})`);
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
