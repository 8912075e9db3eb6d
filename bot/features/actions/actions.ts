import { and, desc, eq, gte, inArray, isNull, like, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, pollSeries, polls, pollTallies, unitActions, units } from '../../../db/schema';
import { isPublishable } from '../../kernel/anonymity';
import { foldText, keepDiacritics } from '../../kernel/fold';
import type { Locale } from '../../kernel/i18n';
import { type HeldRole, isWithinPath } from '../../kernel/roles';
import { formatDateTime } from '../../kernel/time';
import type { ChatRef } from '../../kernel/types';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue } from '../../runtime/outbox/store';
import { findUnitById, type UnitRow } from '../org';
import { openScalePulse } from '../polls';

export type ActionRow = typeof unitActions.$inferSelect;

export const MAX_ACTION_LENGTH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The follow-up pulse opens this long after the action is done, and stays open a day. */
export const FOLLOW_UP_AFTER_MS = 3 * DAY_MS;
export const FOLLOW_UP_OPEN_MS = DAY_MS;
/** "Before" looks this far back from the action. */
const BEFORE_WINDOW_MS = 180 * DAY_MS;
export const ACTION_PREFIX = 'act';

export async function recordAction(
  db: DbOrTx,
  input: { unit: UnitRow; topic: string; text: string; personId: number; now: Date },
): Promise<ActionRow> {
  const [row] = await db
    .insert(unitActions)
    .values({
      unitId: input.unit.id,
      topic: input.topic.normalize('NFC'),
      text: input.text.normalize('NFC').trim(),
      createdBy: input.personId,
      createdAt: input.now,
    })
    .returning();
  return row!;
}

export async function findAction(db: DbOrTx, id: number): Promise<ActionRow | undefined> {
  const [row] = await db.select().from(unitActions).where(eq(unitActions.id, id));
  return row;
}

async function groupsOf(deps: Deps, unit: UnitRow): Promise<ChatRef[]> {
  const rows = await deps.db
    .select({ platform: chats.platform, externalId: chats.externalId })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(like(units.path, `${unit.path}%`))
    .orderBy(chats.id);
  return rows
    .filter((r) => deps.messenger.has(r.platform) && deps.messenger.capabilities(r.platform).groups)
    .map((r) => ({ platform: r.platform, externalId: r.externalId, kind: 'group' as const }));
}

export type DoneOutcome =
  | { ok: true; action: ActionRow; unit: UnitRow; groups: number }
  | { ok: false; reason: 'already'; action: ActionRow };

/**
 * Marks the action done (once: a second press changes nothing), tells the unit's groups "you said,
 * we did", and schedules the follow-up pulse.
 */
export async function markActionDone(
  deps: Deps,
  input: { action: ActionRow; unit: UnitRow; personId: number; now: Date },
): Promise<DoneOutcome> {
  // The groups' posts are queued in the outbox in the same transaction as the mark: a crash after
  // the commit cannot lose them, and a second press (or process) queues nothing more.
  const targets = await groupsOf(deps, input.unit);
  const done = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(unitActions)
      .set({
        status: 'done',
        doneAt: input.now,
        doneBy: input.personId,
        followUpAt: new Date(input.now.getTime() + FOLLOW_UP_AFTER_MS),
      })
      .where(and(eq(unitActions.id, input.action.id), eq(unitActions.status, 'open')))
      .returning();
    if (!row) return undefined;
    const text = translate(deps.config.locale, 'actions.announce', {
      unit: input.unit.name,
      topic: row.topic,
      text: row.text,
    });
    await enqueue(
      tx,
      targets.map((chat) => ({
        key: `action_done:${row.id}:${chat.platform}:${chat.externalId}`,
        kind: 'action_done',
        to: { chat },
        message: { text },
        notBefore: input.now,
      })),
    );
    return row;
  });
  if (!done) return { ok: false, reason: 'already', action: (await findAction(deps.db, input.action.id))! };
  await deliverOutbox(deps, { kinds: ['action_done'] });
  const groups = targets.length;
  deps.logger.info({ action: done.id, groups }, 'action done');
  return { ok: true, action: done, unit: input.unit, groups };
}

/**
 * Opens the follow-up pulses that are due (a scheduler job): each action is claimed by clearing its
 * `follow_up_at` (one process opens it), then a 1–5 pulse on its topic goes to the unit's groups
 * through the polls feature.
 */
export async function openDueFollowUps(deps: Deps, now: Date): Promise<number> {
  const due = deps.db
    .select({ id: unitActions.id })
    .from(unitActions)
    .where(and(lte(unitActions.followUpAt, now), isNull(unitActions.followUpPollId)))
    .for('update', { skipLocked: true });
  const claimed = await deps.db
    .update(unitActions)
    .set({ followUpAt: null })
    .where(inArray(unitActions.id, due))
    .returning();
  let opened = 0;
  for (const action of claimed) {
    const unit = await findUnitById(deps.db, action.unitId);
    if (!unit) continue;
    const short = action.text.length > 150 ? `${action.text.slice(0, 149)}…` : action.text;
    const poll = await openScalePulse(deps, {
      question: translate(deps.config.locale, 'actions.followUpQuestion', {
        text: short,
        topic: action.topic,
      }),
      units: [unit],
      closesAt: new Date(now.getTime() + FOLLOW_UP_OPEN_MS),
      now,
    });
    if (!poll) {
      deps.logger.warn({ action: action.id }, 'follow-up pulse not opened: the unit has nobody to ask');
      continue;
    }
    await deps.db.update(unitActions).set({ followUpPollId: poll.id }).where(eq(unitActions.id, action.id));
    opened++;
  }
  return opened;
}

export interface Figure {
  /** Mean of the 1–5 answers, over publishable cells only. */
  mean: number;
  answers: number;
  polls: number;
}

export interface BeforeAfter {
  before: Figure | null;
  after: Figure | null;
}

/**
 * Whether a poll's question is about the topic: the topic's words appear in it as whole words. As
 * the hot-spot matcher does, diacritics are compared when both were typed with them ("lương" is not
 * "chất lượng"), and folded only when one side was typed without ("luong" is "lương").
 */
export function isAboutTopic(question: string, topic: string): boolean {
  const folded = foldText(topic);
  if (folded === '') return false;
  const typedWithDiacritics = (text: string) => keepDiacritics(text) !== foldText(text);
  if (typedWithDiacritics(topic) && typedWithDiacritics(question)) {
    return ` ${keepDiacritics(question)} `.includes(` ${keepDiacritics(topic)} `);
  }
  return ` ${foldText(question)} `.includes(` ${folded} `);
}

/**
 * The mean of the topic's closed 1–5 polls in the action's unit (and subtree) before the action was
 * recorded and after it was done (the follow-up pulse among them). Only (poll, unit) cells with at
 * least k answers count (kernel/anonymity.ts `isPublishable`); a side with none is null.
 */
export async function beforeAfter(db: DbOrTx, action: ActionRow): Promise<BeforeAfter> {
  const unit = await findUnitById(db, action.unitId);
  if (!unit) return { before: null, after: null };
  const cells = await db
    .select({
      pollId: polls.id,
      question: polls.question,
      status: polls.status,
      minAnswers: polls.minAnswers,
      createdAt: polls.createdAt,
      closedAt: polls.closedAt,
      counts: pollTallies.counts,
      seriesKey: pollSeries.key,
    })
    .from(pollTallies)
    .innerJoin(polls, eq(polls.id, pollTallies.pollId))
    .leftJoin(pollSeries, eq(pollSeries.id, polls.seriesId))
    .innerJoin(units, eq(units.id, pollTallies.unitId))
    .where(
      and(
        eq(polls.kind, 'scale'),
        eq(polls.status, 'closed'),
        like(units.path, `${unit.path}%`),
        gte(polls.closedAt, new Date(action.createdAt.getTime() - BEFORE_WINDOW_MS)),
      ),
    );
  const before: typeof cells = [];
  const after: typeof cells = [];
  for (const cell of cells) {
    // The topic's polls: the follow-up, a pulse series keyed by the topic, a question naming it.
    const about =
      cell.pollId === action.followUpPollId ||
      (cell.seriesKey !== null && foldText(cell.seriesKey) === foldText(action.topic)) ||
      isAboutTopic(cell.question, action.topic);
    if (!about || !cell.closedAt) continue;
    if (cell.closedAt < action.createdAt) before.push(cell);
    else if (action.doneAt && cell.createdAt >= action.doneAt) after.push(cell);
  }
  const figure = (side: typeof cells): Figure | null => {
    let sum = 0;
    let n = 0;
    const pollIds = new Set<number>();
    for (const cell of side) {
      const answers = cell.counts.reduce((a, b) => a + b, 0);
      if (!isPublishable({ closed: cell.status === 'closed', k: cell.minAnswers, n: answers })) continue;
      cell.counts.forEach((c, i) => {
        sum += c * (i + 1);
      });
      n += answers;
      pollIds.add(cell.pollId);
    }
    return n === 0 ? null : { mean: Math.round((sum / n) * 100) / 100, answers: n, polls: pollIds.size };
  };
  return { before: figure(before), after: figure(after) };
}

export interface ActionReport {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  topic: string;
  text: string;
  status: 'open' | 'done';
  doneAt: Date | null;
  followUpPollId: number | null;
  before: Figure | null;
  after: Figure | null;
}

/** For reports: actions recorded or done in [from, to) under `unitPath` (all when absent), with before/after. */
export async function actionReports(
  db: DbOrTx,
  input: { from: Date; to: Date; unitPath?: string },
): Promise<ActionReport[]> {
  const rows = await db
    .select({ action: unitActions, unit: units })
    .from(unitActions)
    .innerJoin(units, eq(units.id, unitActions.unitId))
    .where(
      and(
        or(
          and(gte(unitActions.createdAt, input.from), lt(unitActions.createdAt, input.to)),
          and(gte(unitActions.doneAt, input.from), lt(unitActions.doneAt, input.to)),
        ),
        input.unitPath ? like(units.path, `${input.unitPath}%`) : undefined,
      ),
    )
    .orderBy(desc(unitActions.id));
  const out: ActionReport[] = [];
  for (const { action, unit } of rows) {
    out.push({
      id: action.id,
      unitId: unit.id,
      unitCode: unit.code,
      unitName: unit.name,
      topic: action.topic,
      text: action.text,
      status: action.status,
      doneAt: action.doneAt,
      followUpPollId: action.followUpPollId,
      ...(await beforeAfter(db, action)),
    });
  }
  return out;
}

/** /hanhdong list: the actions of the units the person leads (or `unit`), newest first. */
export async function listActionsText(
  deps: Deps,
  input: { held: readonly HeldRole[]; unit?: UnitRow; locale: Locale },
): Promise<string> {
  const { locale } = input;
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(locale, key, params);
  const rows = await deps.db
    .select({ action: unitActions, unit: units })
    .from(unitActions)
    .innerJoin(units, eq(units.id, unitActions.unitId))
    .orderBy(desc(unitActions.id))
    .limit(200);
  const visible = rows
    .filter(
      (r) =>
        (!input.unit || isWithinPath(r.unit.path, input.unit.path)) &&
        input.held.some(
          (h) =>
            (h.role === 'leader' || h.role === 'admin') &&
            (h.unitPath === null || isWithinPath(r.unit.path, h.unitPath)),
        ),
    )
    .slice(0, 20);
  const lines = [t('actions.list.title', { scope: input.unit?.name ?? t('actions.scopeAll') })];
  if (visible.length === 0) lines.push(t('actions.list.empty'));
  const show = (f: Figure | null) =>
    f ? t('actions.mean', { mean: f.mean.toFixed(2), n: f.answers }) : t('actions.noFigure');
  for (const { action, unit } of visible) {
    const figures = await beforeAfter(deps.db, action);
    lines.push(
      t('actions.list.item', {
        id: action.id,
        unit: unit.name,
        topic: action.topic,
        state:
          action.status === 'done' && action.doneAt
            ? t('actions.state.done', { time: formatDateTime(action.doneAt, deps.config.timezone) })
            : t('actions.state.open'),
        text: action.text,
        before: show(figures.before),
        after: show(figures.after),
      }),
    );
  }
  return lines.join('\n\n');
}
