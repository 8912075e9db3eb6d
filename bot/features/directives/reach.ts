import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  chatMembers,
  chats,
  directiveAcks,
  directiveDeliveries,
  directiveOccurrences,
  units,
} from '../../../db/schema';

export interface UnitReach {
  unitId: number;
  code: string;
  name: string;
  path: string;
  chats: number;
  delivered: number;
  failed: number;
  pending: number;
  /** Known members of the unit's reached chats, and how many of them acknowledged. */
  members: number;
  acked: number;
}

/** People reached by DM (no group on their platform): recipients, and how many acknowledged. */
export interface DmReach {
  people: number;
  delivered: number;
  failed: number;
  pending: number;
  acked: number;
}

export interface ChatFailure {
  chat: string;
  unit: string;
  error: string;
}

/**
 * Reach of a directive per unit of the chats it was sent to (posts only; reminders are not
 * counted twice): a chat counts as delivered when any occurrence reached it, as failed when it
 * was never reached and a send failed for good. Acknowledgements are counts, never names.
 */
export async function directiveReach(
  db: DbOrTx,
  directiveId: number,
): Promise<{ units: UnitReach[]; dms: DmReach; failures: ChatFailure[]; acks: number }> {
  const rows = await db
    .select({
      chatId: chats.id,
      chatTitle: chats.title,
      externalId: chats.externalId,
      unitId: units.id,
      code: units.code,
      name: units.name,
      path: units.path,
      sent: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'sent')::int`,
      failed: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'failed')::int`,
      pending: sql<number>`count(*) filter (where ${directiveDeliveries.status} in ('pending', 'sending'))::int`,
      lastError: sql<
        string | null
      >`max(${directiveDeliveries.lastError}) filter (where ${directiveDeliveries.status} = 'failed')`,
    })
    .from(directiveDeliveries)
    .innerJoin(chats, eq(chats.id, directiveDeliveries.chatId))
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(and(eq(directiveDeliveries.directiveId, directiveId), eq(directiveDeliveries.kind, 'post')))
    .groupBy(chats.id, units.id)
    .orderBy(units.path, chats.id);
  const reached = rows.filter((r) => Number(r.sent) > 0).map((r) => r.chatId);
  const memberRows =
    reached.length === 0
      ? []
      : await db
          .select({
            unitId: chats.unitId,
            members: sql<number>`count(distinct ${chatMembers.personId})::int`,
            acked: sql<number>`count(distinct ${directiveAcks.personId})::int`,
          })
          .from(chatMembers)
          .innerJoin(chats, eq(chats.id, chatMembers.chatId))
          .leftJoin(
            directiveAcks,
            and(eq(directiveAcks.personId, chatMembers.personId), eq(directiveAcks.directiveId, directiveId)),
          )
          .where(and(eq(chatMembers.active, true), inArray(chatMembers.chatId, reached)))
          .groupBy(chats.unitId);
  const perUnit = new Map(memberRows.map((r) => [Number(r.unitId), r]));
  const byUnit = new Map<number, UnitReach>();
  const failures: ChatFailure[] = [];
  for (const row of rows) {
    let unit = byUnit.get(row.unitId);
    if (!unit) {
      const known = perUnit.get(row.unitId);
      unit = {
        unitId: row.unitId,
        code: row.code,
        name: row.name,
        path: row.path,
        chats: 0,
        delivered: 0,
        failed: 0,
        pending: 0,
        members: Number(known?.members ?? 0),
        acked: Number(known?.acked ?? 0),
      };
      byUnit.set(row.unitId, unit);
    }
    unit.chats++;
    if (Number(row.sent) > 0) unit.delivered++;
    else if (Number(row.pending) > 0) unit.pending++;
    else if (Number(row.failed) > 0) {
      unit.failed++;
      failures.push({ chat: row.chatTitle ?? row.externalId, unit: row.code, error: row.lastError ?? '' });
    }
  }
  const [total] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(directiveAcks)
    .where(eq(directiveAcks.directiveId, directiveId));
  return {
    units: [...byUnit.values()],
    dms: await dmReach(db, directiveId),
    failures,
    acks: Number(total?.count ?? 0),
  };
}

/** A person counts as delivered when any occurrence reached them, as failed when none did and one failed. */
async function dmReach(db: DbOrTx, directiveId: number): Promise<DmReach> {
  const perPerson = db
    .select({
      personId: directiveDeliveries.personId,
      sent: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'sent')`.as('sent'),
      failed: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'failed')`.as('failed'),
      acked: sql<boolean>`bool_or(${directiveAcks.personId} is not null)`.as('acked'),
    })
    .from(directiveDeliveries)
    .leftJoin(
      directiveAcks,
      and(
        eq(directiveAcks.personId, directiveDeliveries.personId),
        eq(directiveAcks.directiveId, directiveDeliveries.directiveId),
      ),
    )
    .where(
      and(
        eq(directiveDeliveries.directiveId, directiveId),
        eq(directiveDeliveries.kind, 'post'),
        isNotNull(directiveDeliveries.personId),
      ),
    )
    .groupBy(directiveDeliveries.personId)
    .as('per_person');
  const [row] = await db
    .select({
      people: sql<number>`count(*)::int`,
      delivered: sql<number>`count(*) filter (where ${perPerson.sent} > 0)::int`,
      failed: sql<number>`count(*) filter (where ${perPerson.sent} = 0 and ${perPerson.failed} > 0)::int`,
      acked: sql<number>`count(*) filter (where ${perPerson.sent} > 0 and ${perPerson.acked})::int`,
    })
    .from(perPerson);
  const people = Number(row?.people ?? 0);
  const delivered = Number(row?.delivered ?? 0);
  const failed = Number(row?.failed ?? 0);
  return { people, delivered, failed, pending: people - delivered - failed, acked: Number(row?.acked ?? 0) };
}

export interface DirectiveSummary {
  last?: { occurrence: Date; targeted: number; delivered: number; failed: number };
  skipped: number;
  lastSkipped?: Date;
  acks: number;
}

/** For /directives: the latest occurrence with its delivery counts, skipped occurrences, acknowledgements. */
export async function directiveSummaries(
  db: DbOrTx,
  directiveIds: readonly number[],
): Promise<Map<number, DirectiveSummary>> {
  const summaries = new Map<number, DirectiveSummary>(
    directiveIds.map((id) => [id, { skipped: 0, acks: 0 }]),
  );
  if (directiveIds.length === 0) return summaries;
  const ids = [...directiveIds];
  const occurrences = await db
    .select()
    .from(directiveOccurrences)
    .where(inArray(directiveOccurrences.directiveId, ids))
    .orderBy(desc(directiveOccurrences.occurrence));
  for (const occurrence of occurrences) {
    const summary = summaries.get(occurrence.directiveId)!;
    if (occurrence.status === 'skipped') {
      summary.skipped++;
      summary.lastSkipped ??= occurrence.occurrence;
    } else if (!summary.last) {
      summary.last = { occurrence: occurrence.occurrence, targeted: 0, delivered: 0, failed: 0 };
    }
  }
  for (const [id, summary] of summaries) {
    if (!summary.last) continue;
    const [counts] = await db
      .select({
        targeted: sql<number>`count(*)::int`,
        delivered: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'sent')::int`,
        failed: sql<number>`count(*) filter (where ${directiveDeliveries.status} = 'failed')::int`,
      })
      .from(directiveDeliveries)
      .where(
        and(
          eq(directiveDeliveries.directiveId, id),
          eq(directiveDeliveries.occurrence, summary.last.occurrence),
          eq(directiveDeliveries.kind, 'post'),
        ),
      );
    Object.assign(summary.last, {
      targeted: Number(counts?.targeted ?? 0),
      delivered: Number(counts?.delivered ?? 0),
      failed: Number(counts?.failed ?? 0),
    });
  }
  const acks = await db
    .select({ directiveId: directiveAcks.directiveId, count: sql<number>`count(*)::int` })
    .from(directiveAcks)
    .where(inArray(directiveAcks.directiveId, ids))
    .groupBy(directiveAcks.directiveId);
  for (const row of acks) summaries.get(row.directiveId)!.acks = Number(row.count);
  return summaries;
}
