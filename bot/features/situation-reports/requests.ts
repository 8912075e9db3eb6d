import { and, eq, inArray, lte, notExists, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  reportRequestSchedules,
  reportRequests,
  reportRequestUnits,
  reportSubmissions,
  units,
} from '../../../db/schema';
import { nextCronRun } from '../../kernel/cron';
import { formatDateTime, localParts, zonedTimeToUtc } from '../../kernel/time';
import type { OutgoingMessage } from '../../kernel/types';
import { translator } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue } from '../../runtime/outbox/store';
import { findUnitById, type UnitRow } from '../org';
import { reportButton } from './buttons';
import { compiledForAdmins, SR_COMPILED_KIND } from './compile';
import { queueSrDms, type SrKind } from './dms';
import { sectionTitle } from './drafts';
import {
  commonScope,
  leadersOf,
  openRequest,
  type RequestRow,
  reportersOf,
  requestTargets,
  targetUnits,
} from './store';
import { DEFAULT_TEMPLATE, templateSections } from './templates';

const DAY_MS = 86_400_000;

/** A time in raw SQL, as both drivers take it (postgres.js refuses a Date there). */
const ts = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** Opens a request for the cells under `roots` and sends it to their leaders and collaborators by DM. */
export async function askForReports(
  deps: Deps,
  values: {
    title: string;
    roots: readonly UnitRow[];
    template?: string;
    deadline: Date;
    createdBy?: number;
    scheduleId?: number;
    occurrenceAt?: Date;
  },
): Promise<{ request: RequestRow; targets: UnitRow[] } | undefined> {
  const template = values.template ?? DEFAULT_TEMPLATE;
  const sections = templateSections(template);
  if (!sections || values.roots.length === 0) return undefined;
  const targets = await targetUnits(deps.db, values.roots);
  const scope = await commonScope(deps.db, [...values.roots]);
  // The request, its units and its DMs' outbox rows commit together: once it is open, its DMs go.
  const request = await deps.db.transaction(async (tx) => {
    const row = await openRequest(tx, {
      ...values,
      scope,
      targets,
      template,
      sections,
      now: deps.clock.now(),
    });
    if (row) await notifyReporters(deps, tx, row, targets);
    return row;
  });
  if (!request) return undefined;
  await deliverOutbox(deps, { kinds: ['sr_request'] });
  deps.logger.info({ request: request.id, units: targets.length }, 'situation report requested');
  return { request, targets };
}

function requestMessage(
  deps: Deps,
  locale: 'vi' | 'en',
  request: RequestRow,
  unit: UnitRow,
  key: 'sr.request' | 'sr.remind' | 'sr.escalate.unit',
): OutgoingMessage {
  const t = translator(locale);
  const sections = request.sections.map((s, i) => `${i + 1}. ${sectionTitle(s, locale)}`).join('\n');
  return {
    text: t(key, {
      id: request.id,
      title: request.title,
      unit: unit.name,
      deadline: formatDateTime(request.deadline, deps.config.timezone),
      sections,
    }),
    buttons: [
      [
        {
          label: t('sr.button.write'),
          data: reportButton.data({ action: 'write', requestId: request.id, unitId: unit.id }),
        },
      ],
    ],
  };
}

/** Queues, in `tx`, the request (or its reminder) to each target unit's leaders and collaborators. */
async function notifyReporters(
  deps: Deps,
  tx: DbOrTx,
  request: RequestRow,
  targets: readonly UnitRow[],
  key: 'sr.request' | 'sr.remind' = 'sr.request',
) {
  const reporters = await reportersOf(
    tx,
    targets.map((u) => u.id),
  );
  const kind: SrKind = key === 'sr.request' ? 'sr_request' : 'sr_reminder';
  const dms = targets.flatMap((unit) =>
    reporters
      .filter((x) => x.unitId === unit.id)
      .map((r) => ({
        personId: r.personId,
        key: `${kind}:${request.id}:${unit.id}:${r.personId}`,
        build: (locale: 'vi' | 'en') => requestMessage(deps, locale, request, unit, key),
      })),
  );
  await queueSrDms(deps, kind, dms, tx);
}

/** The deadline of a scheduled occurrence: that long after it, or 00:00 of day N (this month, or next when past). */
export function deadlineOf(
  schedule: Pick<typeof reportRequestSchedules.$inferSelect, 'dueAfterSeconds' | 'dueBeforeDay'>,
  occurrence: Date,
  timeZone: string,
): Date {
  if (schedule.dueAfterSeconds !== null)
    return new Date(occurrence.getTime() + schedule.dueAfterSeconds * 1000);
  const day = schedule.dueBeforeDay ?? 5;
  const p = localParts(occurrence, timeZone);
  let due = zonedTimeToUtc({ year: p.year, month: p.month, day, hour: 0, minute: 0 }, timeZone);
  if (due <= occurrence) {
    const next = p.month === 12 ? { year: p.year + 1, month: 1 } : { year: p.year, month: p.month + 1 };
    due = zonedTimeToUtc({ ...next, day, hour: 0, minute: 0 }, timeZone);
  }
  return due;
}

/** Due scheduled requests: each claimed once (FOR UPDATE SKIP LOCKED), opened, and moved to its next run. */
export async function openDueRequests(deps: Deps, now: Date): Promise<number> {
  const tz = deps.config.timezone;
  const opened: { schedule: typeof reportRequestSchedules.$inferSelect; occurrence: Date }[] =
    await deps.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(reportRequestSchedules)
        .where(and(eq(reportRequestSchedules.active, true), lte(reportRequestSchedules.nextRunAt, now)))
        .for('update', { skipLocked: true });
      const out = [];
      for (const schedule of due) {
        const occurrence = schedule.nextRunAt!;
        let next: Date | null = nextCronRun(schedule.cron, now, tz);
        if (schedule.endsAt && next > schedule.endsAt) next = null;
        await tx
          .update(reportRequestSchedules)
          .set({ nextRunAt: next })
          .where(eq(reportRequestSchedules.id, schedule.id));
        out.push({ schedule, occurrence });
      }
      return out;
    });
  for (const { schedule, occurrence } of opened) {
    const roots =
      schedule.audience.length > 0
        ? await deps.db.select().from(units).where(inArray(units.code, schedule.audience))
        : await deps.db.select().from(units).where(sql`${units.parentId} is null`);
    await askForReports(deps, {
      title: schedule.title,
      roots,
      template: schedule.template,
      deadline: deadlineOf(schedule, occurrence, tz),
      scheduleId: schedule.id,
      occurrenceAt: occurrence,
    });
  }
  return opened.length;
}

/**
 * Follow-up of units that have not submitted, like incident steps: 1 a reminder to the unit's
 * collaborators and leaders (24 h before the deadline, or halfway when asked for less than two
 * days), 2 at the deadline to the unit's leaders, 3 a day later to the parent unit's leaders.
 * Each step is claimed once per unit (the UPDATE … WHERE step < N); after a long stop only the
 * latest step due is sent.
 */
export async function followUp(deps: Deps, now: Date): Promise<number> {
  const steps = [
    { step: 3, due: sql`${reportRequests.deadline} + interval '1 day' <= ${ts(now)}` },
    { step: 2, due: sql`${reportRequests.deadline} <= ${ts(now)}` },
    {
      step: 1,
      due: sql`greatest(${reportRequests.deadline} - interval '1 day', ${reportRequests.createdAt} + (${reportRequests.deadline} - ${reportRequests.createdAt}) / 2) <= ${ts(now)}`,
    },
  ];
  let sent = 0;
  for (const { step, due } of steps) {
    // The step's claim and its DMs' outbox rows commit together: a claimed step is never lost.
    sent += await deps.db.transaction((tx) => followUpStep(deps, tx, now, step, due));
  }
  if (sent > 0) await deliverOutbox(deps, { kinds: ['sr_reminder', 'sr_escalation'] });
  return sent;
}

async function followUpStep(deps: Deps, tx: DbOrTx, now: Date, step: number, due: SQL): Promise<number> {
  let sent = 0;
  const claimed = await tx
    .update(reportRequestUnits)
    .set({ followUpStep: step })
    .where(
      and(
        sql`${reportRequestUnits.followUpStep} < ${step}`,
        inArray(
          reportRequestUnits.requestId,
          tx
            .select({ id: reportRequests.id })
            .from(reportRequests)
            .where(and(due, sql`${reportRequests.createdAt} > ${ts(new Date(now.getTime() - 62 * DAY_MS))}`)),
        ),
        notExists(
          tx
            .select({ one: reportSubmissions.id })
            .from(reportSubmissions)
            .where(
              and(
                eq(reportSubmissions.requestId, reportRequestUnits.requestId),
                eq(reportSubmissions.unitId, reportRequestUnits.unitId),
                eq(reportSubmissions.status, 'submitted'),
              ),
            ),
        ),
      ),
    )
    .returning();
  for (const row of claimed) {
    const [request] = await tx.select().from(reportRequests).where(eq(reportRequests.id, row.requestId));
    const unit = await findUnitById(tx, row.unitId);
    if (!request || !unit) continue;
    sent++;
    if (step === 1) {
      await notifyReporters(deps, tx, request, [unit], 'sr.remind');
      continue;
    }
    const above = step === 3 && unit.parentId !== null ? await findUnitById(tx, unit.parentId) : unit;
    const leaders = above ? await leadersOf(tx, above) : [];
    await queueSrDms(
      deps,
      'sr_escalation',
      leaders.map((personId) => ({
        personId,
        key: `sr_escalation:${request.id}:${unit.id}:${step}:${personId}`,
        build: (locale: 'vi' | 'en') =>
          step === 2
            ? requestMessage(deps, locale, request, unit, 'sr.escalate.unit')
            : {
                text: translator(locale)('sr.escalate.parent', {
                  id: request.id,
                  title: request.title,
                  unit: unit.name,
                  deadline: formatDateTime(request.deadline, deps.config.timezone),
                }),
              },
      })),
      tx,
    );
    deps.logger.info(
      { request: request.id, unit: unit.id, step, leaders: leaders.length },
      'situation report followed up',
    );
  }
  return sent;
}

/**
 * At the deadline, the compiled report goes to the admins over the request's scope, once: rendered,
 * then queued in the outbox in the transaction that marks the request compiled (two processes, or
 * a job run twice, queue it once; a crash before the commit leaves it due for the next run).
 */
export async function compileDue(deps: Deps, now: Date): Promise<number> {
  const due = await deps.db
    .select()
    .from(reportRequests)
    .where(and(sql`${reportRequests.compiledAt} is null`, lte(reportRequests.deadline, now)));
  let compiled = 0;
  for (const request of due) {
    try {
      const inputs = await compiledForAdmins(deps, request);
      const claimed = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(reportRequests)
          .set({ compiledAt: now })
          .where(and(eq(reportRequests.id, request.id), sql`${reportRequests.compiledAt} is null`))
          .returning({ id: reportRequests.id });
        if (row) await enqueue(tx, inputs);
        return row !== undefined;
      });
      if (claimed) compiled++;
    } catch (error) {
      // One request that cannot be compiled does not hold back the others; it is tried next minute.
      deps.logger.warn({ err: error, request: request.id }, 'compiled situation report not queued');
    }
  }
  if (compiled > 0) await deliverOutbox(deps, { kinds: [SR_COMPILED_KIND], concurrency: 1 });
  return compiled;
}

export { requestTargets };
