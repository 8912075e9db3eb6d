import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { reportRequestSchedules } from '../../../db/schema';
import { nextCronRun } from '../../kernel/cron';
import { toInstant } from '../../kernel/time';
import type { ScenarioRequest } from './scenario-schema';

export interface RequestScheduleValues {
  title: string;
  audience: string[];
  template: string;
  cron: string;
  from: ScenarioRequest['from'] | null;
  until: ScenarioRequest['until'] | null;
  dueBeforeDay: number | null;
  dueAfterSeconds: number | null;
}

export type RequestScheduleChange =
  | { kind: 'create_request_schedule'; key: string; values: RequestScheduleValues }
  | { kind: 'update_request_schedule'; key: string; fields: string[]; values: RequestScheduleValues }
  /** The file no longer lists it: no more requests; those already made and their reports are kept. */
  | { kind: 'stop_request_schedule'; key: string };

const valuesOf = (r: ScenarioRequest): RequestScheduleValues => ({
  title: r.title,
  audience: r.audience,
  template: r.template,
  cron: r.cron,
  from: r.from ?? null,
  until: r.until ?? null,
  dueBeforeDay: r.due_before_day ?? null,
  dueAfterSeconds: r.due_after ?? null,
});

type Row = typeof reportRequestSchedules.$inferSelect;

function rowValues(values: RequestScheduleValues, timezone: string) {
  return {
    title: values.title,
    audience: values.audience,
    template: values.template,
    cron: values.cron,
    startsAt: values.from ? toInstant(values.from, timezone) : null,
    endsAt: values.until ? toInstant(values.until, timezone, true) : null,
    dueBeforeDay: values.dueBeforeDay,
    dueAfterSeconds: values.dueAfterSeconds,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The file owns the request schedules it names: new ids created, changed ones updated, missing ones stopped. */
export async function planRequestSchedules(
  db: DbOrTx,
  scenario: { requests: readonly ScenarioRequest[] },
  timezone: string,
): Promise<RequestScheduleChange[]> {
  const existing = new Map((await db.select().from(reportRequestSchedules)).map((row) => [row.key, row]));
  const changes: RequestScheduleChange[] = [];
  for (const request of scenario.requests) {
    const values = valuesOf(request);
    const current = existing.get(request.id);
    if (!current) {
      changes.push({ kind: 'create_request_schedule', key: request.id, values });
      continue;
    }
    const wanted = rowValues(values, timezone);
    const fields: string[] = (Object.keys(wanted) as (keyof typeof wanted)[]).filter(
      (field) => !same(current[field as keyof Row], wanted[field]),
    );
    if (!current.active) fields.push('active');
    if (fields.length > 0) changes.push({ kind: 'update_request_schedule', key: request.id, fields, values });
  }
  const inFile = new Set(scenario.requests.map((r) => r.id));
  for (const row of existing.values())
    if (row.active && !inFile.has(row.key)) changes.push({ kind: 'stop_request_schedule', key: row.key });
  return changes;
}

function firstRun(
  cron: string,
  now: Date,
  startsAt: Date | null,
  endsAt: Date | null,
  timezone: string,
): Date | null {
  const after = startsAt && startsAt > now ? new Date(startsAt.getTime() - 1) : now;
  let next: Date;
  try {
    next = nextCronRun(cron, after, timezone);
  } catch {
    return null;
  }
  return endsAt && next > endsAt ? null : next;
}

export async function applyRequestScheduleChange(
  tx: Tx,
  change: RequestScheduleChange,
  options: { now: Date; timezone: string },
): Promise<void> {
  if (change.kind === 'stop_request_schedule') {
    await tx
      .update(reportRequestSchedules)
      .set({ active: false, nextRunAt: null })
      .where(eq(reportRequestSchedules.key, change.key));
    return;
  }
  const values = rowValues(change.values, options.timezone);
  const nextRunAt = firstRun(values.cron, options.now, values.startsAt, values.endsAt, options.timezone);
  if (change.kind === 'create_request_schedule') {
    await tx.insert(reportRequestSchedules).values({ key: change.key, ...values, active: true, nextRunAt });
    return;
  }
  await tx
    .update(reportRequestSchedules)
    .set({ ...values, active: true, nextRunAt })
    .where(eq(reportRequestSchedules.key, change.key));
}

export function describeRequestScheduleChange(change: RequestScheduleChange): string {
  switch (change.kind) {
    case 'create_request_schedule': {
      const v = change.values;
      const due = v.dueBeforeDay
        ? `before day ${v.dueBeforeDay}`
        : `${(v.dueAfterSeconds ?? 0) / 3600}h after`;
      const to = v.audience.length > 0 ? v.audience.join(', ') : 'every cell';
      return `+ report request ${change.key} "${v.title}" to ${to} (cron ${v.cron}, due ${due}, template ${v.template})`;
    }
    case 'update_request_schedule':
      return `~ report request ${change.key}: ${change.fields.join(', ')}`;
    case 'stop_request_schedule':
      return `- report request ${change.key} (stopped; requests and reports already made are kept)`;
  }
}
