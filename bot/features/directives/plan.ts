import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { directives } from '../../../db/schema';
import { formatDateTime, toInstant } from '../../kernel/time';
import { cancelDirective } from './directives';
import type { ScenarioDirective } from './scenario-schema';
import { nextOccurrence, type Schedule } from './schedule';

/** The columns a scenario file sets on a directive. */
export interface DirectiveValues {
  title: string;
  body: string;
  source: string | null;
  audience: string[];
  scheduleKind: 'at' | 'cron';
  at: Date | null;
  cron: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  ack: boolean;
  remindAfterSeconds: number | null;
  remindBelow: number;
}

export type DirectiveChange =
  | { kind: 'create_directive'; key: string; values: DirectiveValues }
  | { kind: 'update_directive'; key: string; fields: string[]; values: DirectiveValues }
  /** The directive is no longer in the file: it stops (sends nothing more). */
  | { kind: 'cancel_directive'; key: string; title: string };

/** A directive the file cannot have, found against the database and the clock; `path` points into the file. */
export interface ScenarioProblem {
  path: (string | number)[];
  message: string;
}

export const DEFAULT_REMIND_BELOW = 0.8;
const SCHEDULE_FIELDS = ['scheduleKind', 'at', 'cron', 'startsAt', 'endsAt'] as const;

/**
 * `firstAt`: the moment a relative one-off (`after: 5m`) resolves to — the stored time once the
 * directive exists, else now + after.
 */
export function directiveValues(
  directive: ScenarioDirective,
  timezone: string,
  firstAt?: Date,
): DirectiveValues {
  const { schedule } = directive;
  const oneOff = schedule.at !== undefined || schedule.after !== undefined;
  return {
    title: directive.title,
    body: directive.body,
    source: directive.source ?? null,
    audience: directive.audience,
    scheduleKind: oneOff ? 'at' : 'cron',
    at: schedule.at
      ? toInstant(schedule.at, timezone)
      : schedule.after !== undefined
        ? (firstAt ?? null)
        : null,
    cron: schedule.cron?.trim().replace(/\s+/g, ' ') ?? null,
    startsAt: schedule.from ? toInstant(schedule.from, timezone) : null,
    endsAt: schedule.until ? toInstant(schedule.until, timezone, true) : null,
    ack: directive.ack,
    remindAfterSeconds: directive.remind_after ?? null,
    remindBelow: directive.remind_below ?? DEFAULT_REMIND_BELOW,
  };
}

export function scheduleOf(
  values: Pick<DirectiveValues, 'scheduleKind' | 'at' | 'cron' | 'startsAt' | 'endsAt'> & {
    createdAt?: Date;
  },
  timezone: string,
): Schedule {
  if (values.scheduleKind === 'at') return { kind: 'at', at: values.at! };
  return {
    kind: 'cron',
    cron: values.cron!,
    startsAt: values.startsAt ?? values.createdAt ?? new Date(0),
    endsAt: values.endsAt,
    timezone,
  };
}

const same = (a: unknown, b: unknown) =>
  a instanceof Date || b instanceof Date
    ? (a as Date | null)?.getTime() === (b as Date | null)?.getTime()
    : JSON.stringify(a) === JSON.stringify(b);

/**
 * What applying the file's directives would change. The file owns every directive: one missing
 * from it is cancelled. A new or rescheduled directive whose schedule can never fire again (an
 * `until` in the past, a cron with no date between from and until) is a problem, not a change.
 */
export async function planDirectives(
  db: DbOrTx,
  scenario: { directives: readonly ScenarioDirective[] },
  options: { now: Date; timezone: string },
): Promise<{ changes: DirectiveChange[]; problems: ScenarioProblem[] }> {
  const existing = new Map((await db.select().from(directives)).map((row) => [row.key, row]));
  const changes: DirectiveChange[] = [];
  const problems: ScenarioProblem[] = [];
  scenario.directives.forEach((directive, i) => {
    const current = existing.get(directive.id);
    const after = directive.schedule.after;
    const firstAt =
      after === undefined
        ? undefined
        : current?.scheduleKind === 'at' && current.at
          ? current.at
          : new Date(options.now.getTime() + after);
    const values = directiveValues(directive, options.timezone, firstAt);
    existing.delete(directive.id);
    const fields = current
      ? (Object.keys(values) as (keyof DirectiveValues)[]).filter((k) => !same(values[k], current[k]))
      : [];
    const rescheduled = !current || fields.some((f) => (SCHEDULE_FIELDS as readonly string[]).includes(f));
    if (rescheduled && values.scheduleKind === 'at' && values.at && values.at < options.now) {
      problems.push({
        path: ['directives', i, 'schedule', 'at'],
        message: `is in the past (${formatDateTime(values.at, options.timezone)} ${options.timezone}): a one-off would never be sent; give a later time`,
      });
    }
    if (rescheduled && values.scheduleKind === 'cron') {
      const path = ['directives', i, 'schedule'];
      const schedule = scheduleOf(values, options.timezone) as Extract<Schedule, { kind: 'cron' }>;
      if (values.endsAt && values.endsAt < options.now) {
        problems.push({
          path: [...path, 'until'],
          message: 'is in the past: this schedule would never send (move until, or use at: for a one-off)',
        });
      } else if (!nextOccurrence(schedule, new Date(Math.max(schedule.startsAt.getTime() - 1, 0)))) {
        problems.push({ path: [...path, 'cron'], message: 'never fires between from and until' });
      }
    }
    if (!current) changes.push({ kind: 'create_directive', key: directive.id, values });
    else if (fields.length > 0) changes.push({ kind: 'update_directive', key: directive.id, fields, values });
  });
  for (const row of existing.values()) {
    if (!row.cancelledAt) changes.push({ kind: 'cancel_directive', key: row.key, title: row.title });
  }
  return { changes, problems };
}

/** Writes one directive change inside the apply transaction. */
export async function applyDirectiveChange(
  tx: Tx,
  change: DirectiveChange,
  options: { now: Date; timezone: string },
): Promise<void> {
  const { now, timezone } = options;
  if (change.kind === 'cancel_directive') {
    const [row] = await tx.select().from(directives).where(eqKey(change.key));
    if (row) await cancelDirective(tx, row.id, now);
    return;
  }
  if (change.kind === 'create_directive') {
    const schedule = scheduleOf({ ...change.values, createdAt: now }, timezone);
    await tx.insert(directives).values({
      key: change.key,
      ...change.values,
      materialisedUntil: now,
      nextOccurrenceAt: nextOccurrence(schedule, now),
      createdAt: now,
      updatedAt: now,
    });
    return;
  }
  const [row] = await tx.select().from(directives).where(eqKey(change.key));
  if (!row) return;
  const schedule = scheduleOf({ ...change.values, createdAt: row.createdAt }, timezone);
  await tx
    .update(directives)
    .set({
      ...change.values,
      nextOccurrenceAt: nextOccurrence(schedule, row.materialisedUntil),
      updatedAt: now,
    })
    .where(eqKey(change.key));
}

const eqKey = (key: string) => eq(directives.key, key);
