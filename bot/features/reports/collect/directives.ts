import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import type { DirectiveReach, Period } from '../model';
import { at, num, type ReportScope, reportedUnits, rowsOf } from './sql';

export interface DirectiveRows {
  directives: number;
  overall: DirectiveReach;
  /** Keyed by reported unit id; `null` is the scope unit's own chats. */
  units: Map<number | null, DirectiveReach>;
}

interface Row {
  part: 'chats' | 'members' | 'acks';
  rid: number | null;
  g: number;
  directives: number;
  a: number;
  b: number;
  c: number;
}

const empty = (): DirectiveReach => ({ chats: 0, reachedChats: 0, members: 0, acknowledged: 0 });

/**
 * Directive posts whose occurrence falls in the period, to chats bound in the scope's subtree:
 * chats targeted and reached; members = the distinct people active in the reached chats, per
 * directive (one expected "Đã nắm" each: someone in two groups counts once, as in /reach); acknowledged = the presses of "Đã nắm" in those chats
 * (an acknowledgement in a DM belongs to no unit). One statement, per reported unit and overall.
 */
export function directiveStatement(scope: ReportScope, period: Period): SQL {
  return sql`with ${reportedUnits(scope.id, scope.leaf)},
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
        select s.rid, s.directive_id, m.person_id
        from sent s join chat_members m on m.chat_id = s.chat_id and m.active
        where s.reached
      )
      select 'chats' as part, rid, grouping(rid)::int as g, count(distinct directive_id)::int as directives,
        count(distinct s.chat_id)::int as a, count(distinct s.chat_id) filter (where reached)::int as b, 0 as c
      from sent s
      group by grouping sets ((rid), ())
      union all
      select 'members', rid, grouping(rid)::int, 0, 0, 0, count(distinct (directive_id, person_id))::int
      from members
      group by grouping sets ((rid), ())
      union all
      select 'acks', s.rid, grouping(s.rid)::int, 0, count(*)::int, 0, 0
      from sent s
      join directive_acks a on a.directive_id = s.directive_id and a.chat_id = s.chat_id
      where s.reached
      group by grouping sets ((s.rid), ())`;
}

export async function directiveRows(db: DbOrTx, scope: ReportScope, period: Period): Promise<DirectiveRows> {
  const rows = await rowsOf<Row>(db, directiveStatement(scope, period));
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
    } else if (row.part === 'members') {
      reach.members = num(row.c);
    } else {
      reach.acknowledged = num(row.a);
    }
  }
  return result;
}
