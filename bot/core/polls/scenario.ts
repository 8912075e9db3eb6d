import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { pollSeries } from '../../../db/schema';
import type { Scenario, ScenarioPoll } from '../../../scenarios/schema';
import { nextCronRun } from '../../scheduler/cron';
import type { ScenarioChange } from '../scenarios/changes';
import { SCALE_EMOJI } from './types';

type PollSeriesChange = Extract<
  ScenarioChange,
  { kind: 'create_poll_series' | 'update_poll_series' | 'stop_poll_series' }
>;

/** The series row a scenario entry describes (schedule state aside). */
function definitionOf(poll: ScenarioPoll, yesNo: readonly [string, string]) {
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
] as const;

/**
 * The file owns the series it names: new keys are created, changed ones updated, and series the
 * file no longer lists are stopped (their past runs and results stay).
 */
export async function planPollSeries(
  db: DbOrTx,
  scenario: Scenario,
  yesNo: readonly [string, string],
): Promise<PollSeriesChange[]> {
  const existing = new Map((await db.select().from(pollSeries)).map((row) => [row.key, row]));
  const changes: PollSeriesChange[] = [];
  for (const poll of scenario.polls) {
    const wanted = definitionOf(poll, yesNo);
    const current = existing.get(poll.key);
    if (!current) {
      changes.push({ kind: 'create_poll_series', key: poll.key, question: poll.question, cron: poll.cron });
      continue;
    }
    const fields = FIELDS.filter((field) => JSON.stringify(current[field]) !== JSON.stringify(wanted[field]));
    if (fields.length > 0) changes.push({ kind: 'update_poll_series', key: poll.key, fields });
  }
  const inFile = new Set(scenario.polls.map((poll) => poll.key));
  for (const row of existing.values()) {
    if (row.active && !inFile.has(row.key)) changes.push({ kind: 'stop_poll_series', key: row.key });
  }
  return changes;
}

export async function applyPollSeriesChange(
  tx: Tx,
  change: PollSeriesChange,
  scenario: Scenario,
  options: { now: Date; timezone: string; yesNo: readonly [string, string] },
): Promise<void> {
  if (change.kind === 'stop_poll_series') {
    await tx.update(pollSeries).set({ active: false, nextRunAt: null }).where(eq(pollSeries.key, change.key));
    return;
  }
  const poll = scenario.polls.find((p) => p.key === change.key)!;
  const definition = definitionOf(poll, options.yesNo);
  if (change.kind === 'create_poll_series') {
    await tx.insert(pollSeries).values({
      key: poll.key,
      ...definition,
      nextRunAt: nextCronRun(poll.cron, options.now, options.timezone),
    });
    return;
  }
  const reschedule = change.fields.includes('cron') || change.fields.includes('active');
  await tx
    .update(pollSeries)
    .set({
      ...definition,
      ...(reschedule ? { nextRunAt: nextCronRun(poll.cron, options.now, options.timezone) } : {}),
    })
    .where(eq(pollSeries.key, change.key));
}
