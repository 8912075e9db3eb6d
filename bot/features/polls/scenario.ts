import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { pollSeries } from '../../../db/schema';
import type { ScenarioPoll } from './scenario-schema';

/** The parts of a scenario file this feature reads. */
type PollsSection = { polls: readonly ScenarioPoll[]; organisation?: { locale?: string } | null };

import { nextCronRun } from '../../kernel/cron';
import { SCALE_EMOJI } from './types';

/** The columns a scenario file sets on a recurring pulse. */
export interface PollSeriesValues {
  question: string;
  kind: ScenarioPoll['kind'];
  options: string[];
  audience: string[];
  dm: boolean;
  comments: boolean;
  cron: string;
  closesAfterMinutes: number;
  minAnswers: number;
  minComments: number;
  active: boolean;
}

export type PollSeriesChange =
  | { kind: 'create_poll_series'; key: string; values: PollSeriesValues }
  /** `fields` are the names of the settings that differ from the file. */
  | { kind: 'update_poll_series'; key: string; fields: string[]; values: PollSeriesValues }
  /** The file no longer lists the series: it stops; its past runs and results stay. */
  | { kind: 'stop_poll_series'; key: string };

const FIELDS = [
  'question',
  'kind',
  'options',
  'audience',
  'dm',
  'comments',
  'cron',
  'closesAfterMinutes',
  'minAnswers',
  'minComments',
  'active',
] as const satisfies readonly (keyof PollSeriesValues)[];

/** Yes/no answers are stored in the organisation's language. */
function yesNoLabels(scenario: PollsSection): [string, string] {
  return scenario.organisation?.locale === 'en' ? ['Yes', 'No'] : ['Có', 'Không'];
}

function valuesOf(poll: ScenarioPoll, yesNo: readonly [string, string]): PollSeriesValues {
  return {
    question: poll.question,
    kind: poll.kind,
    options: poll.kind === 'scale' ? [...SCALE_EMOJI] : poll.kind === 'yesno' ? [...yesNo] : poll.options!,
    audience: poll.audience,
    dm: poll.dm,
    comments: poll.comments,
    cron: poll.cron,
    closesAfterMinutes: poll.closes_after,
    minAnswers: poll.min_answers,
    minComments: poll.min_comments,
    active: true,
  };
}

/**
 * The file owns the series it names: new keys are created, changed ones updated, and series the
 * file no longer lists are stopped (their past runs and results stay).
 */
export async function planPollSeries(db: DbOrTx, scenario: PollsSection): Promise<PollSeriesChange[]> {
  const existing = new Map((await db.select().from(pollSeries)).map((row) => [row.key, row]));
  const yesNo = yesNoLabels(scenario);
  const changes: PollSeriesChange[] = [];
  for (const poll of scenario.polls) {
    const values = valuesOf(poll, yesNo);
    const current = existing.get(poll.key);
    if (!current) {
      changes.push({ kind: 'create_poll_series', key: poll.key, values });
      continue;
    }
    const fields = FIELDS.filter((field) => JSON.stringify(current[field]) !== JSON.stringify(values[field]));
    if (fields.length > 0) changes.push({ kind: 'update_poll_series', key: poll.key, fields, values });
  }
  const inFile = new Set(scenario.polls.map((poll) => poll.key));
  for (const row of existing.values()) {
    if (row.active && !inFile.has(row.key)) changes.push({ kind: 'stop_poll_series', key: row.key });
  }
  return changes;
}

/** Writes one series change inside the apply transaction; a new or rescheduled series runs from `now`. */
export async function applyPollSeriesChange(
  tx: Tx,
  change: PollSeriesChange,
  options: { now: Date; timezone: string },
): Promise<void> {
  if (change.kind === 'stop_poll_series') {
    await tx.update(pollSeries).set({ active: false, nextRunAt: null }).where(eq(pollSeries.key, change.key));
    return;
  }
  const nextRunAt = nextCronRun(change.values.cron, options.now, options.timezone);
  if (change.kind === 'create_poll_series') {
    await tx.insert(pollSeries).values({ key: change.key, ...change.values, nextRunAt });
    return;
  }
  const reschedule = change.fields.includes('cron') || change.fields.includes('active');
  await tx
    .update(pollSeries)
    .set({ ...change.values, ...(reschedule ? { nextRunAt } : {}) })
    .where(eq(pollSeries.key, change.key));
}
