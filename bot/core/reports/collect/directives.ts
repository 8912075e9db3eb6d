import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import type { DirectiveReach, Period } from '../model';
import { at, num, reportedUnits, rowsOf } from './sql';

export interface DirectiveRows {
  directives: number;
  overall: DirectiveReach;
  /** Keyed by reported unit id; `null` is the scope unit's own chats. */
  units: Map<number | null, DirectiveReach>;
}

interface Row {
  part: 'chats' | 'members';
  rid: number | null;
  g: number;
  directives: number;
  a: number;
  b: number;
}

const empty = (): DirectiveReach => ({ chats: 0, reachedChats: 0, members: 0, acknowledged: 0 });

/**
 * Directive posts whose occurrence falls in the period, to chats bound in the scope's subtree:
 * chats targeted and reached, and (directive, member) pairs of the reached chats with how many of
 * them acknowledged. One statement, grouped per reported unit and overall.
 */
export async function directiveRows(
  db: DbOrTx,
  scope: { id: number; path: string; leaf: boolean },
  period: Period,
): Promise<DirectiveRows> {
  const rows = await rowsOf<Row>(
    db,
    sql`with ${reportedUnits(scope.id, scope.leaf)},
      sent as (
        select dd.directive_id, dd.chat_id, r.id as rid, bool_or(dd.status = 'sent') as reached
        from directive_deliveries dd
        join chats c on c.id = dd.chat_id
        join units u on u.id = c.unit_id and u.path like ${`${scope.path}%`}
        left join r on u.path like r.path || '%'
        where dd.kind = 'post' and dd.occurrence >= ${at(period.from)} and dd.occurrence < ${at(period.to)}
        group by dd.directive_id, dd.chat_id, r.id
      ),
      members as (
        select distinct s.rid, s.directive_id, cm.person_id,
          exists (select 1 from directive_acks a
                  where a.directive_id = s.directive_id and a.person_id = cm.person_id) as acked
        from sent s
        join chat_members cm on cm.chat_id = s.chat_id and cm.active
        where s.reached
      )
      select 'chats' as part, rid, grouping(rid)::int as g, count(distinct directive_id)::int as directives,
        count(distinct chat_id)::int as a, count(distinct chat_id) filter (where reached)::int as b
      from sent group by grouping sets ((rid), ())
      union all
      select 'members', rid, grouping(rid)::int, 0,
        count(distinct (directive_id, person_id))::int,
        count(distinct (directive_id, person_id)) filter (where acked)::int
      from members group by grouping sets ((rid), ())`,
  );
  const result: DirectiveRows = { directives: 0, overall: empty(), units: new Map() };
  for (const row of rows) {
    const overall = num(row.g) === 1;
    const key = row.rid === null ? null : num(row.rid);
    let reach = overall ? result.overall : result.units.get(key);
    if (!reach) {
      reach = empty();
      result.units.set(key, reach);
    }
    if (row.part === 'chats') {
      reach.chats = num(row.a);
      reach.reachedChats = num(row.b);
      if (overall) result.directives = num(row.directives);
    } else {
      reach.members = num(row.a);
      reach.acknowledged = num(row.b);
    }
  }
  return result;
}
