import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import { people, reportRuns, reportSchedules, units } from '../../../../db/schema';
import { nextCronRun } from '../../../kernel/cron';
import { localeOr } from '../../../kernel/i18n';
import type { Deps } from '../../../runtime/deps';
import { deliverLedger, type LedgerAdapter } from '../../../runtime/outbox/engine';
import { type LedgerQueue, ledgerQueue } from '../../../runtime/outbox/store';
import type { Job } from '../../../runtime/scheduler';
import { dmAccounts } from '../../org';
import { collectReport } from '../collect/collect';
import { resolvePeriod } from '../collect/period';
import { deliverReport } from '../deliver';
import type { SituationReport } from '../model';

const BATCH = 20;
const MAX_ATTEMPTS = 3;
const LEDGER = 'report_runs';

type ScheduleRow = typeof reportSchedules.$inferSelect;

/** The units a schedule reports on: its unit, or each child of `each_child_of`. */
async function scheduleUnits(db: DbOrTx, schedule: ScheduleRow) {
  if (schedule.unitCode) return db.select().from(units).where(eq(units.code, schedule.unitCode));
  const [parent] = await db
    .select()
    .from(units)
    .where(eq(units.code, schedule.eachChildOf ?? ''));
  if (!parent) return [];
  return db.select().from(units).where(eq(units.parentId, parent.id)).orderBy(asc(units.code));
}

/** People to receive a unit's report: leaders on that very unit, or admins whose role covers it. */
async function recipientsOf(db: DbOrTx, schedule: ScheduleRow, unitIds: number[]) {
  if (unitIds.length === 0) return [];
  const rows = await db.execute(
    schedule.recipients === 'leaders'
      ? sql`select distinct r.unit_id as "unitId", r.person_id as "personId" from roles r
          where r.role = 'leader' and r.unit_id in ${unitIds}`
      : sql`select distinct u.id as "unitId", r.person_id as "personId" from units u
          join roles r on r.role = 'admin'
          left join units ru on ru.id = r.unit_id
          where u.id in ${unitIds} and (r.unit_id is null or u.path like ru.path || '%')`,
  );
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    unitId: number;
    personId: number;
  }[];
  return list.map((row) => ({ unitId: Number(row.unitId), personId: Number(row.personId) }));
}

/**
 * Turns due schedules into ledger rows: each due schedule is claimed (FOR UPDATE SKIP LOCKED) and
 * moved to its next occurrence in the transaction that writes one run per (unit, recipient); the
 * ledger's unique key makes a second writer a no-op.
 */
export async function queueDueReports(deps: Deps, now: Date): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(reportSchedules)
      .where(and(eq(reportSchedules.active, true), lte(reportSchedules.nextRunAt, now)))
      .orderBy(asc(reportSchedules.nextRunAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    let queued = 0;
    for (const schedule of due) {
      // After downtime only the latest missed occurrence is sent: older reports are superseded.
      let occurrence = schedule.nextRunAt!;
      for (let next = nextCronRun(schedule.cron, occurrence, deps.config.timezone); next <= now; ) {
        occurrence = next;
        next = nextCronRun(schedule.cron, occurrence, deps.config.timezone);
      }
      await tx
        .update(reportSchedules)
        .set({ nextRunAt: nextCronRun(schedule.cron, occurrence, deps.config.timezone) })
        .where(eq(reportSchedules.id, schedule.id));
      const targets = await scheduleUnits(tx, schedule);
      const recipients = await recipientsOf(
        tx,
        schedule,
        targets.map((u) => u.id),
      );
      if (recipients.length === 0) {
        deps.logger.warn({ schedule: schedule.key }, 'scheduled report has no recipients');
        continue;
      }
      const inserted = await tx
        .insert(reportRuns)
        .values(recipients.map((r) => ({ scheduleId: schedule.id, occurrence, ...r })))
        .onConflictDoNothing()
        .returning({ id: reportRuns.id });
      queued += inserted.length;
    }
    return queued;
  });
}

type RunRow = typeof reportRuns.$inferSelect & { schedule: ScheduleRow };

/**
 * The scheduled-report ledger as the delivery engine sees it: one report per (schedule,
 * occurrence, unit, locale) is collected and sent to each recipient's DM on their best running
 * platform, each of its messages through the engine's pacer.
 */
function reportLedger(deps: Deps, now: Date): LedgerAdapter<RunRow, true> {
  const cache = new Map<string, SituationReport>();
  return {
    name: LEDGER,
    table: { table: LEDGER },
    maxAttempts: MAX_ATTEMPTS,
    concurrency: 1,
    batch: () => BATCH,
    load: async (ids) => {
      const rows = await deps.db
        .select()
        .from(reportRuns)
        .where(inArray(reportRuns.id, ids))
        .orderBy(reportRuns.id);
      const schedules = new Map(
        (
          await deps.db
            .select()
            .from(reportSchedules)
            .where(inArray(reportSchedules.id, [...new Set(rows.map((r) => r.scheduleId))]))
        ).map((s) => [s.id, s]),
      );
      return rows.map((row) => ({ ...row, schedule: schedules.get(row.scheduleId)! }));
    },
    send: async (run, pace) => {
      const [person] = await deps.db.select().from(people).where(eq(people.id, run.personId));
      const locale = localeOr(person?.locale, deps.config.locale);
      const [account] = await dmAccounts(deps.db, deps.messenger, run.personId);
      if (!account) throw new Error('no account on a running platform');
      const key = `${run.scheduleId}:${run.occurrence.toISOString()}:${run.unitId}:${locale}`;
      let report = cache.get(key);
      if (!report) {
        const [unit] = await deps.db.select().from(units).where(eq(units.id, run.unitId));
        const period = resolvePeriod(run.schedule.period, run.occurrence, deps.config.timezone)!;
        report = await collectReport(deps, { unit: unit!, period, locale });
        cache.set(key, report);
      }
      const chat = { platform: account.platform, externalId: account.externalId, kind: 'dm' as const };
      await deliverReport(deps, chat, report, run.schedule.format, { locale, pace });
      return true;
    },
    markSent: (run) =>
      deps.db.update(reportRuns).set({ status: 'sent', sentAt: now }).where(eq(reportRuns.id, run.id)),
  };
}

/** Sends the pending runs (and runs left claimed by a dead process) through the delivery engine. */
export async function sendDueReports(
  deps: Deps,
  now: Date,
  options: { wake?: boolean } = {},
): Promise<number> {
  const stats = await deliverLedger(deps, reportLedger(deps, now), {
    wake: options.wake ? () => sendDueReports(deps, deps.clock.now(), options) : undefined,
  });
  return stats.sent;
}

/** The scheduler job of scheduled reports; `bot/app.ts` registers it. */
export function reportJobs(deps: Deps): Job[] {
  return [
    {
      name: 'reports-scheduled',
      cron: '* * * * *',
      run: async (now) => {
        await queueDueReports(deps, now);
        await sendDueReports(deps, now, { wake: true });
      },
    },
  ];
}

/** What the scheduled-report ledger has not sent yet (for /outbox); it keeps no failure reason (logged only). */
export function reportQueue(db: DbOrTx): Promise<LedgerQueue> {
  return ledgerQueue(db, { table: 'report_runs', kind: "'report'", error: "'see the log'" });
}
