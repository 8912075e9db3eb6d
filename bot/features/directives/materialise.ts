import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  chatMembers,
  directiveAcks,
  directiveDeliveries,
  directiveOccurrences,
  directives,
} from '../../../db/schema';
import type { Platform } from '../../kernel/types';
import type { MessengerRouter } from '../../runtime/messenger-router';
import type { DirectiveRow } from './directives';
import { type DmTarget, dmTargets } from './dm-targets';
import { scheduleOf } from './plan';
import { nextOccurrence, occurrencesBetween } from './schedule';
import { targetChatIds } from './targets';

/** Directives (or reminders) handled per transaction. */
export const MATERIALISE_BATCH = 20;

export interface MaterialiseOptions {
  now: Date;
  graceMs: number;
  timezone: string;
  platforms: readonly Platform[];
  /** When given, people reachable only on a platform without groups get the directive by DM. */
  messenger?: MessengerRouter;
}

/**
 * Turns due occurrences into ledger rows, one per target chat. Each directive is locked
 * (FOR UPDATE SKIP LOCKED) while its cursor moves, so N processes share the work; the ledger's
 * unique key makes a repeated insert harmless anyway. An occurrence later than the grace window
 * (the bot was down) is recorded as skipped instead. Returns how many directives it handled.
 */
export async function materialiseDue(db: DbOrTx, options: MaterialiseOptions): Promise<number> {
  const { now } = options;
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(directives)
      .where(and(isNull(directives.cancelledAt), lte(directives.nextOccurrenceAt, now)))
      .orderBy(asc(directives.nextOccurrenceAt))
      .limit(MATERIALISE_BATCH)
      .for('update', { skipLocked: true });
    for (const directive of due) await materialiseDirective(tx, directive, options);
    return due.length;
  });
}

async function materialiseDirective(tx: DbOrTx, directive: DirectiveRow, options: MaterialiseOptions) {
  const { now, graceMs, timezone } = options;
  const schedule = scheduleOf(directive, timezone);
  for (const occurrence of occurrencesBetween(schedule, directive.materialisedUntil, now)) {
    const late = now.getTime() - occurrence.getTime() > graceMs;
    if (late) {
      await tx
        .insert(directiveOccurrences)
        .values({ directiveId: directive.id, occurrence, status: 'skipped', createdAt: now })
        .onConflictDoNothing();
    } else {
      await queueOccurrence(tx, directive, occurrence, { ...options, manual: false });
    }
  }
  await tx
    .update(directives)
    .set({ materialisedUntil: now, nextOccurrenceAt: nextOccurrence(schedule, now) })
    .where(eq(directives.id, directive.id));
}

/**
 * Records an occurrence and writes its ledger rows (post kind): one per target group chat and one
 * per group-less DM recipient. Returns how many of each it targets.
 */
export async function queueOccurrence(
  db: DbOrTx,
  directive: DirectiveRow,
  occurrence: Date,
  options: {
    now: Date;
    platforms: readonly Platform[];
    messenger?: MessengerRouter;
    manual: boolean;
    unitCodes?: readonly string[];
  },
): Promise<{ chats: number; people: number }> {
  const remindAt =
    directive.ack && directive.remindAfterSeconds
      ? new Date(occurrence.getTime() + directive.remindAfterSeconds * 1000)
      : null;
  await db
    .insert(directiveOccurrences)
    .values({
      directiveId: directive.id,
      occurrence,
      status: 'due',
      manual: options.manual,
      remindAt,
      createdAt: options.now,
    })
    .onConflictDoNothing();
  const audience = options.unitCodes ?? directive.audience;
  const chatIds = await targetChatIds(db, audience, options.platforms);
  await insertDeliveries(db, directive.id, occurrence, chatIds, 'post', options.now);
  const dms = options.messenger ? await dmTargets(db, options.messenger, audience) : [];
  await insertDmDeliveries(db, directive.id, occurrence, dms, 'post', options.now);
  return { chats: chatIds.length, people: dms.length };
}

async function insertDmDeliveries(
  db: DbOrTx,
  directiveId: number,
  occurrence: Date,
  targets: readonly DmTarget[],
  kind: 'post' | 'reminder',
  now: Date,
) {
  for (let i = 0; i < targets.length; i += 500) {
    const values = targets.slice(i, i + 500).map((target) => ({
      directiveId,
      occurrence,
      personId: target.personId,
      dmPlatform: target.platform,
      dmExternalId: target.externalId,
      kind,
      nextAttemptAt: now,
    }));
    await db.insert(directiveDeliveries).values(values).onConflictDoNothing();
  }
}

async function insertDeliveries(
  db: DbOrTx,
  directiveId: number,
  occurrence: Date,
  chatIds: readonly number[],
  kind: 'post' | 'reminder',
  now: Date,
) {
  for (let i = 0; i < chatIds.length; i += 500) {
    const values = chatIds
      .slice(i, i + 500)
      .map((chatId) => ({ directiveId, occurrence, chatId, kind, nextAttemptAt: now }));
    await db.insert(directiveDeliveries).values(values).onConflictDoNothing();
  }
}

/**
 * Reminders: when an occurrence's `remind_after` has passed, every group that got the post and
 * whose acknowledgement rate (members who tapped "Đã nắm" / known members) is below the
 * directive's threshold gets one reminder. Groups only, never the people who have not answered.
 * Returns how many occurrences it handled.
 */
export async function materialiseReminders(db: DbOrTx, options: MaterialiseOptions): Promise<number> {
  const { now, graceMs } = options;
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ occurrence: directiveOccurrences, directive: directives })
      .from(directiveOccurrences)
      .innerJoin(directives, eq(directives.id, directiveOccurrences.directiveId))
      .where(
        and(
          eq(directiveOccurrences.status, 'due'),
          isNull(directiveOccurrences.remindedAt),
          lte(directiveOccurrences.remindAt, now),
        ),
      )
      .limit(MATERIALISE_BATCH)
      .for('update', { of: directiveOccurrences, skipLocked: true });
    for (const { occurrence, directive } of due) {
      const late = now.getTime() - occurrence.remindAt!.getTime() > graceMs;
      if (!late && !directive.cancelledAt) {
        const low = await lowAckChats(tx, directive, occurrence.occurrence);
        await insertDeliveries(tx, directive.id, occurrence.occurrence, low, 'reminder', now);
        const dms = await lowAckDmCohort(tx, directive, occurrence.occurrence);
        await insertDmDeliveries(tx, directive.id, occurrence.occurrence, dms, 'reminder', now);
      }
      await tx
        .update(directiveOccurrences)
        .set({ remindedAt: now })
        .where(
          and(
            eq(directiveOccurrences.directiveId, directive.id),
            eq(directiveOccurrences.occurrence, occurrence.occurrence),
          ),
        );
    }
    return due.length;
  });
}

async function lowAckChats(db: DbOrTx, directive: DirectiveRow, occurrence: Date): Promise<number[]> {
  const delivered = await db
    .select({ chatId: sql<number>`${directiveDeliveries.chatId}` })
    .from(directiveDeliveries)
    .where(
      and(
        eq(directiveDeliveries.directiveId, directive.id),
        eq(directiveDeliveries.occurrence, occurrence),
        eq(directiveDeliveries.kind, 'post'),
        eq(directiveDeliveries.status, 'sent'),
        isNotNull(directiveDeliveries.chatId),
      ),
    );
  const chatIds = delivered.map((row) => row.chatId);
  if (chatIds.length === 0) return [];
  const rates = await ackRates(db, directive.id, chatIds);
  return chatIds.filter((chatId) => {
    const rate = rates.get(chatId);
    return !rate || rate.members === 0 || rate.acked / rate.members < directive.remindBelow;
  });
}

/**
 * The DM recipients of an occurrence are one cohort, like a group: when fewer of them than the
 * threshold acknowledged, all of them get the reminder — never only those who have not.
 */
async function lowAckDmCohort(db: DbOrTx, directive: DirectiveRow, occurrence: Date): Promise<DmTarget[]> {
  const delivered = await db
    .select({
      personId: sql<number>`${directiveDeliveries.personId}`,
      platform: sql<Platform>`${directiveDeliveries.dmPlatform}`,
      externalId: sql<string>`${directiveDeliveries.dmExternalId}`,
      acked: sql<boolean>`${directiveAcks.personId} is not null`,
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
        eq(directiveDeliveries.directiveId, directive.id),
        eq(directiveDeliveries.occurrence, occurrence),
        eq(directiveDeliveries.kind, 'post'),
        eq(directiveDeliveries.status, 'sent'),
        isNotNull(directiveDeliveries.personId),
      ),
    );
  if (delivered.length === 0) return [];
  const acked = delivered.filter((row) => row.acked).length;
  if (acked / delivered.length >= directive.remindBelow) return [];
  return delivered.map(({ personId, platform, externalId }) => ({ personId, platform, externalId }));
}

/** Per chat: known active members, and how many of them acknowledged the directive (anywhere). */
export async function ackRates(
  db: DbOrTx,
  directiveId: number,
  chatIds: readonly number[],
): Promise<Map<number, { members: number; acked: number }>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db
    .select({
      chatId: chatMembers.chatId,
      members: sql<number>`count(*)::int`,
      acked: sql<number>`count(${directiveAcks.personId})::int`,
    })
    .from(chatMembers)
    .leftJoin(
      directiveAcks,
      and(eq(directiveAcks.personId, chatMembers.personId), eq(directiveAcks.directiveId, directiveId)),
    )
    .where(and(inArray(chatMembers.chatId, [...chatIds]), eq(chatMembers.active, true)))
    .groupBy(chatMembers.chatId);
  return new Map(rows.map((row) => [row.chatId, { members: Number(row.members), acked: Number(row.acked) }]));
}
