import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, gte, inArray, like, lt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  chats,
  dialoguePosts,
  dialogueQuestions,
  dialogueSalts,
  dialogues,
  dialogueVotes,
  units,
} from '../../../db/schema';
import { MIN_ANSWERS } from '../../kernel/anonymity';
import type { Locale } from '../../kernel/i18n';
import { type HeldRole, isWithinPath } from '../../kernel/roles';
import { shuffle } from '../../kernel/shuffle';
import { formatDateTime } from '../../kernel/time';
import type { ChatRef, OutgoingMessage, Platform } from '../../kernel/types';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue, type OutboxInput } from '../../runtime/outbox/store';
import { findUnitById, type UnitRow } from '../org';
import { type HeldQuestion, questionOutboxOf } from './outbox';
import { voteToken } from './vote-token';

export type DialogueRow = typeof dialogues.$inferSelect;
export type QuestionRow = typeof dialogueQuestions.$inferSelect;

export const MAX_QUESTION_LENGTH = 1000;
export const MAX_ANSWER_LENGTH = 3000;
export const QUESTIONS_PER_HOUR = 5;
/** Votes (and totals) below this are shown as "under k". */
export const DIALOGUE_K = MIN_ANSWERS;
export const VOTE_PREFIX = 'dv';
export const SEND_NOW_PREFIX = 'dn';
export const START_PREFIX = 'dlg-';
const SUMMARY_LINES = 10;

export interface GroupChat {
  platform: Platform;
  externalId: string;
}

/** The bound group chats of the unit's subtree, on platforms this process runs that have groups. */
export async function unitGroups(
  deps: Deps,
  unit: Pick<UnitRow, 'path'>,
  db: DbOrTx = deps.db,
): Promise<GroupChat[]> {
  const rows = await db
    .select({ platform: chats.platform, externalId: chats.externalId })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(like(units.path, `${unit.path}%`))
    .orderBy(chats.id);
  return rows.filter(
    (row) => deps.messenger.has(row.platform) && deps.messenger.capabilities(row.platform).groups,
  );
}

const groupRef = (g: GroupChat): ChatRef => ({
  platform: g.platform,
  externalId: g.externalId,
  kind: 'group',
});

/** The outbox kinds of a dialogue's own posts: its opening, and its closing summary. */
export const DIALOGUE_KINDS = ['dialogue_open', 'dialogue_summary'] as const;

/**
 * One outbox row per group for a dialogue's opening or summary, keyed by dialogue and chat (a job
 * run twice, two processes: one post); the caller enqueues them, in its transaction where it has one.
 */
function groupRows(
  kind: (typeof DIALOGUE_KINDS)[number],
  dialogueId: number,
  groups: readonly GroupChat[],
  message: OutgoingMessage,
  now: Date,
): OutboxInput[] {
  return groups.map((group) => ({
    key: `${kind}:${dialogueId}:${group.platform}:${group.externalId}`,
    kind,
    to: { chat: groupRef(group) },
    message,
    notBefore: now,
  }));
}

/**
 * Sends one message to each group (the hourly questions, which keep their own relay); a failing
 * group is logged and skipped. Returns what was sent.
 */
async function postToGroups(
  deps: Deps,
  groups: readonly GroupChat[],
  message: OutgoingMessage,
): Promise<{ group: GroupChat; messageId: string }[]> {
  const sent: { group: GroupChat; messageId: string }[] = [];
  for (const group of groups) {
    try {
      const ref = await deps.messenger.send(groupRef(group), message);
      sent.push({ group, messageId: ref.messageId });
    } catch (error) {
      deps.logger.warn({ err: error, platform: group.platform }, 'dialogue post failed');
    }
  }
  return sent;
}

export async function openDialogueOf(db: DbOrTx, unitId: number): Promise<DialogueRow | undefined> {
  const [row] = await db
    .select()
    .from(dialogues)
    .where(and(eq(dialogues.unitId, unitId), eq(dialogues.status, 'open')))
    .limit(1);
  return row;
}

export type OpenOutcome =
  | { ok: true; dialogue: DialogueRow; groups: number }
  | { ok: false; reason: 'no_groups' }
  | { ok: false; reason: 'already_open'; dialogue: DialogueRow };

/** Opens a dialogue for the unit until `closesAt` and announces it in the unit's groups. */
export async function openDialogue(
  deps: Deps,
  input: { unit: UnitRow; closesAt: Date; openedBy: number; now: Date },
): Promise<OpenOutcome> {
  const groups = await unitGroups(deps, input.unit);
  if (groups.length === 0) return { ok: false, reason: 'no_groups' };
  const existing = await openDialogueOf(deps.db, input.unit.id);
  if (existing) return { ok: false, reason: 'already_open', dialogue: existing };
  const dialogue = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dialogues)
      .values({
        unitId: input.unit.id,
        openedBy: input.openedBy,
        locale: deps.config.locale,
        openedAt: input.now,
        closesAt: input.closesAt,
      })
      .returning();
    await tx
      .insert(dialogueSalts)
      .values({ dialogueId: row!.id, salt: randomBytes(24).toString('base64url') });
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate(row!.locale, key, params);
    // The announcement is queued with the dialogue itself: once it commits, it is posted.
    await enqueue(
      tx,
      groupRows(
        'dialogue_open',
        row!.id,
        groups,
        {
          text: t('dialogue.announce', {
            unit: input.unit.name,
            time: formatDateTime(input.closesAt, deps.config.timezone),
          }),
          buttons: [[{ label: t('dialogue.openDm'), startPayload: `${START_PREFIX}${row!.id}` }]],
        },
        input.now,
      ),
    );
    return row!;
  });
  await deliverOutbox(deps, { kinds: ['dialogue_open'] });
  deps.logger.info({ dialogue: dialogue.id, groups: groups.length }, 'dialogue opened');
  return { ok: true, dialogue, groups: groups.length };
}

/**
 * The open dialogue a person's question goes to: the deepest open dialogue whose unit holds one of
 * the person's units.
 */
export async function dialogueForAsker(
  db: DbOrTx,
  held: readonly HeldRole[],
  now: Date,
): Promise<{ dialogue: DialogueRow; unit: UnitRow } | undefined> {
  const open = await db
    .select({ dialogue: dialogues, unit: units })
    .from(dialogues)
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(and(eq(dialogues.status, 'open'), gt(dialogues.closesAt, now)));
  const paths = held.map((r) => r.unitPath).filter((p): p is string => p !== null);
  const matching = open.filter((o) => paths.some((p) => isWithinPath(p, o.unit.path)));
  matching.sort((a, b) => b.unit.path.length - a.unit.path.length);
  return matching[0];
}

/**
 * Holds a question (dialogue, text, hour — nothing about the asker) in this process's memory; it is
 * written and posted at the hourly step. `urgent`: a critical topic, which the asker may send now.
 */
export function submitQuestion(
  deps: Deps,
  input: { dialogueId: number; text: string; now: Date },
): HeldQuestion & { urgent: boolean } {
  const text = input.text.normalize('NFC').trim();
  const held = questionOutboxOf(deps).hold({ dialogueId: input.dialogueId, text, now: input.now });
  return { ...held, urgent: deps.signals.isUrgent(text) };
}

/**
 * Writes held questions as one shuffled batch per dialogue (numbered in that order), posts them in
 * the dialogue's groups with the vote button, and publishes their hot-spot signals. Questions of a
 * dialogue that has closed meanwhile are dropped. Returns how many were written.
 */
async function writeAndPost(deps: Deps, items: HeldQuestion[], sentNow: boolean): Promise<number> {
  const byDialogue = new Map<number, HeldQuestion[]>();
  for (const item of items)
    byDialogue.set(item.dialogueId, [...(byDialogue.get(item.dialogueId) ?? []), item]);
  let written = 0;
  for (const [dialogueId, batch] of byDialogue) {
    let rows: QuestionRow[];
    try {
      rows = await deps.db.transaction(async (tx) => {
        const [dialogue] = await tx
          .select({ id: dialogues.id, status: dialogues.status })
          .from(dialogues)
          .where(eq(dialogues.id, dialogueId))
          .for('update');
        // A dialogue closed meanwhile (by another process) takes no more questions: they are dropped.
        if (dialogue?.status !== 'open') return [];
        const [{ max } = { max: 0 }] = await tx
          .select({ max: sql<number>`coalesce(max(${dialogueQuestions.number}), 0)::int` })
          .from(dialogueQuestions)
          .where(eq(dialogueQuestions.dialogueId, dialogueId));
        const values = shuffle([...batch]).map((item, index) => ({
          id: item.id,
          dialogueId,
          number: max + index + 1,
          text: item.text,
          hour: item.hour,
        }));
        return tx.insert(dialogueQuestions).values(values).returning();
      });
    } catch (error) {
      questionOutboxOf(deps).restore(batch);
      throw error;
    }
    written += rows.length;
    await postQuestions(deps, rows, sentNow);
  }
  return written;
}

async function postQuestions(deps: Deps, rows: QuestionRow[], sentNow: boolean): Promise<void> {
  if (rows.length === 0) return;
  const [dialogue] = await deps.db.select().from(dialogues).where(eq(dialogues.id, rows[0]!.dialogueId));
  const unit = dialogue ? await findUnitById(deps.db, dialogue.unitId) : undefined;
  if (!dialogue || !unit) return;
  const groups = await unitGroups(deps, unit);
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(dialogue.locale, key, params);
  rows.sort((a, b) => a.number - b.number);
  for (const row of rows) {
    const sent = await postToGroups(deps, groups, {
      text: t('dialogue.question', { number: row.number, unit: unit.name, text: row.text }),
      buttons: [[{ label: t('dialogue.vote'), data: `${VOTE_PREFIX}:${row.id.replace(/-/g, '')}` }]],
    });
    if (sent.length > 0) {
      await deps.db
        .insert(dialoguePosts)
        .values(
          sent.map((s) => ({
            questionId: row.id,
            platform: s.group.platform,
            chatExternalId: s.group.externalId,
            messageId: s.messageId,
          })),
        )
        .onConflictDoNothing();
    }
    // Questions are an anonymous source: hot spots learn the hour, as for feedback.
    await deps.signals.publish({
      text: row.text,
      source: 'feedback',
      unitId: dialogue.unitId,
      chatId: null,
      at: sentNow ? deps.clock.now() : row.hour,
      ...(sentNow ? { sentNow: true } : {}),
    });
  }
}

/** The hourly step: questions of ended hours (`all`: every held one), written and posted. */
export async function flushQuestions(
  deps: Deps,
  now: Date,
  options: { all?: boolean; dialogueId?: number } = {},
): Promise<number> {
  const due = questionOutboxOf(deps).takeDue(now, options);
  if (due.length === 0) return 0;
  return writeAndPost(deps, due, false);
}

/** A critical question its asker chose to send now: written alone and posted at once. */
export async function sendQuestionNow(deps: Deps, token: string): Promise<QuestionRow | undefined> {
  const item = questionOutboxOf(deps).redeem(token);
  if (!item) return undefined;
  await writeAndPost(deps, [item], true);
  const [row] = await deps.db.select().from(dialogueQuestions).where(eq(dialogueQuestions.id, item.id));
  return row;
}

export type VoteOutcome = 'voted' | 'already' | 'closed' | 'stale' | 'stranger' | 'leader';

const UUID_HEX = /^[0-9a-f]{32}$/;

export function questionIdOf(payload: string): string | undefined {
  if (!UUID_HEX.test(payload)) return undefined;
  return `${payload.slice(0, 8)}-${payload.slice(8, 12)}-${payload.slice(12, 16)}-${payload.slice(16, 20)}-${payload.slice(20)}`;
}

/**
 * One upvote: only a worker (or collaborator) of the dialogue's unit, once per question. The ledger
 * row is the HMAC token; the count goes on the question in the same transaction.
 */
export async function vote(
  deps: Deps,
  input: { questionId: string; personId: number; held: readonly HeldRole[]; now: Date },
): Promise<{ outcome: VoteOutcome; unit?: UnitRow }> {
  const [found] = await deps.db
    .select({ question: dialogueQuestions, dialogue: dialogues, unit: units })
    .from(dialogueQuestions)
    .innerJoin(dialogues, eq(dialogues.id, dialogueQuestions.dialogueId))
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(eq(dialogueQuestions.id, input.questionId));
  if (!found) return { outcome: 'stale' };
  const { dialogue, unit } = found;
  if (dialogue.status !== 'open' || dialogue.closesAt <= input.now) return { outcome: 'closed', unit };
  const inUnit = input.held.filter((r) => r.unitPath !== null && isWithinPath(r.unitPath, unit.path));
  if (!inUnit.some((r) => r.role === 'worker' || r.role === 'collaborator')) {
    const leads = input.held.some(
      (r) =>
        (r.role === 'leader' || r.role === 'admin') &&
        (r.unitPath === null || isWithinPath(unit.path, r.unitPath) || isWithinPath(r.unitPath, unit.path)),
    );
    return { outcome: leads ? 'leader' : 'stranger', unit };
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const [salt] = await tx.select().from(dialogueSalts).where(eq(dialogueSalts.dialogueId, dialogue.id));
    if (!salt) return 'closed' as const;
    const token = voteToken(deps.config.secret, salt.salt, input.personId, input.questionId);
    const inserted = await tx
      .insert(dialogueVotes)
      .values({ dialogueId: dialogue.id, token })
      .onConflictDoNothing()
      .returning({ token: dialogueVotes.token });
    if (inserted.length === 0) return 'already' as const;
    await tx
      .update(dialogueQuestions)
      .set({ votes: sql`${dialogueQuestions.votes} + 1` })
      .where(eq(dialogueQuestions.id, input.questionId));
    return 'voted' as const;
  });
  return { outcome, unit };
}

export async function questionsOf(db: DbOrTx, dialogueId: number): Promise<QuestionRow[]> {
  return db
    .select()
    .from(dialogueQuestions)
    .where(eq(dialogueQuestions.dialogueId, dialogueId))
    .orderBy(desc(dialogueQuestions.votes), dialogueQuestions.number);
}

/** "12 👍", or "under 5 👍" when the count is below k. */
export function votesLabel(locale: Locale, n: number): string {
  return n >= DIALOGUE_K
    ? translate(locale, 'dialogue.votes', { n })
    : translate(locale, 'dialogue.votesFew', { k: DIALOGUE_K });
}

/** The leader's view: the open dialogues of units the person leads (or `unit`), questions by votes. */
export async function listText(
  deps: Deps,
  input: { held: readonly HeldRole[]; unit?: UnitRow; locale: Locale },
): Promise<string> {
  const { locale } = input;
  const open = await deps.db
    .select({ dialogue: dialogues, unit: units })
    .from(dialogues)
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(eq(dialogues.status, 'open'))
    .orderBy(dialogues.id);
  const visible = open.filter(
    (o) =>
      (!input.unit || isWithinPath(o.unit.path, input.unit.path)) &&
      input.held.some(
        (r) =>
          (r.role === 'leader' || r.role === 'admin') &&
          (r.unitPath === null || isWithinPath(o.unit.path, r.unitPath)),
      ),
  );
  if (visible.length === 0) return translate(locale, 'dialogue.list.empty');
  const parts: string[] = [];
  for (const { dialogue, unit } of visible) {
    const questions = await questionsOf(deps.db, dialogue.id);
    const lines = [
      translate(locale, 'dialogue.list.title', {
        id: dialogue.id,
        unit: unit.name,
        time: formatDateTime(dialogue.closesAt, deps.config.timezone),
        count: questions.length,
      }),
    ];
    if (questions.length === 0) lines.push(translate(locale, 'dialogue.list.none'));
    for (const q of questions) {
      lines.push(
        translate(locale, 'dialogue.list.item', {
          number: q.number,
          votes: votesLabel(locale, q.votes),
          state: translate(locale, q.answer ? 'dialogue.answered' : 'dialogue.unanswered'),
          text: q.text,
        }),
      );
    }
    parts.push(lines.join('\n\n'));
  }
  return parts.join('\n\n———\n\n');
}

export type AnswerOutcome =
  | { ok: true; question: QuestionRow; unit: UnitRow }
  | { ok: false; reason: 'unknown' | 'forbidden' | 'closed' };

/** Records a leader's answer to a question of an open dialogue. */
export async function answerQuestion(
  deps: Deps,
  input: { dialogue: DialogueRow; number: number; text: string; personId: number; now: Date },
): Promise<AnswerOutcome> {
  const unit = await findUnitById(deps.db, input.dialogue.unitId);
  if (!unit) return { ok: false, reason: 'unknown' };
  if (input.dialogue.status !== 'open') return { ok: false, reason: 'closed' };
  const [question] = await deps.db
    .update(dialogueQuestions)
    .set({ answer: input.text.normalize('NFC').trim(), answeredBy: input.personId, answeredAt: input.now })
    .where(
      and(eq(dialogueQuestions.dialogueId, input.dialogue.id), eq(dialogueQuestions.number, input.number)),
    )
    .returning();
  if (!question) return { ok: false, reason: 'unknown' };
  return { ok: true, question, unit };
}

/** The question a group message (one Pulse posted) stands for, with its dialogue. */
export async function questionOfPost(
  db: DbOrTx,
  chat: { platform: Platform; externalId: string },
  messageId: string,
): Promise<{ question: QuestionRow; dialogue: DialogueRow; unit: UnitRow } | undefined> {
  const [found] = await db
    .select({ question: dialogueQuestions, dialogue: dialogues, unit: units })
    .from(dialoguePosts)
    .innerJoin(dialogueQuestions, eq(dialogueQuestions.id, dialoguePosts.questionId))
    .innerJoin(dialogues, eq(dialogues.id, dialogueQuestions.dialogueId))
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(
      and(
        eq(dialoguePosts.platform, chat.platform),
        eq(dialoguePosts.chatExternalId, chat.externalId),
        eq(dialoguePosts.messageId, messageId),
      ),
    );
  return found;
}

export interface DialogueSummary {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  openedAt: Date;
  closedAt: Date | null;
  questions: number;
  answered: number;
  /** Total upvotes, or null when below k. */
  votes: number | null;
  /** Questions, most upvoted first; `votes` null when below k. */
  items: { number: number; text: string; votes: number | null; answer: string | null }[];
}

async function summarise(db: DbOrTx, dialogue: DialogueRow, unit: UnitRow): Promise<DialogueSummary> {
  const questions = await questionsOf(db, dialogue.id);
  const total = questions.reduce((sum, q) => sum + q.votes, 0);
  return {
    id: dialogue.id,
    unitId: unit.id,
    unitCode: unit.code,
    unitName: unit.name,
    openedAt: dialogue.openedAt,
    closedAt: dialogue.closedAt,
    questions: questions.length,
    answered: questions.filter((q) => q.answer !== null).length,
    votes: total >= DIALOGUE_K ? total : null,
    items: questions.map((q) => ({
      number: q.number,
      text: q.text,
      votes: q.votes >= DIALOGUE_K ? q.votes : null,
      answer: q.answer,
    })),
  };
}

/**
 * For reports: the dialogues that closed in [from, to) in the units under `unitPath` (all when
 * absent), with counts under k withheld.
 */
export async function dialogueSummaries(
  db: DbOrTx,
  input: { from: Date; to: Date; unitPath?: string },
): Promise<DialogueSummary[]> {
  const rows = await db
    .select({ dialogue: dialogues, unit: units })
    .from(dialogues)
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(
      and(
        eq(dialogues.status, 'closed'),
        gte(dialogues.closedAt, input.from),
        lt(dialogues.closedAt, input.to),
        input.unitPath ? like(units.path, `${input.unitPath}%`) : undefined,
      ),
    )
    .orderBy(dialogues.closedAt);
  const out: DialogueSummary[] = [];
  for (const { dialogue, unit } of rows) out.push(await summarise(db, dialogue, unit));
  return out;
}

const SUMMARY_TEXT = 300;
const clip = (text: string) => (text.length > SUMMARY_TEXT ? `${text.slice(0, SUMMARY_TEXT - 1)}…` : text);

export function summaryText(locale: Locale, summary: DialogueSummary): string {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(locale, key, params);
  const lines = [t('dialogue.summary.title', { unit: summary.unitName })];
  if (summary.questions === 0) {
    lines.push(t('dialogue.summary.none'));
    return lines.join('\n\n');
  }
  lines.push(
    t('dialogue.summary.counts', {
      questions: summary.questions,
      answered: summary.answered,
      votes:
        summary.votes === null
          ? t('dialogue.votesFew', { k: DIALOGUE_K })
          : t('dialogue.votes', { n: summary.votes }),
    }),
  );
  lines.push(t('dialogue.summary.top'));
  for (const item of summary.items.slice(0, SUMMARY_LINES)) {
    lines.push(
      `#${item.number} · ${item.votes === null ? t('dialogue.votesFew', { k: DIALOGUE_K }) : t('dialogue.votes', { n: item.votes })} · ${t(item.answer ? 'dialogue.answered' : 'dialogue.unanswered')}\n${clip(item.text)}`,
    );
  }
  if (summary.items.length > SUMMARY_LINES)
    lines.push(t('dialogue.summary.more', { n: summary.items.length - SUMMARY_LINES }));
  lines.push(t('dialogue.summary.thanks'));
  return lines.join('\n\n');
}

/**
 * Closes the dialogues whose end has come (a scheduler job): writes what this process holds for
 * them, claims each (one process posts), deletes the vote ledger and its salt, and posts the summary
 * in the unit's groups.
 */
export async function closeDueDialogues(deps: Deps, now: Date): Promise<number> {
  const due = await deps.db
    .select({ id: dialogues.id })
    .from(dialogues)
    .where(and(eq(dialogues.status, 'open'), lte(dialogues.closesAt, now)));
  for (const { id } of due) await flushQuestions(deps, now, { all: true, dialogueId: id });
  if (due.length === 0) return 0;
  const claimable = deps.db
    .select({ id: dialogues.id })
    .from(dialogues)
    .where(and(eq(dialogues.status, 'open'), lte(dialogues.closesAt, now)))
    .for('update', { skipLocked: true });
  const closed = await deps.db.transaction(async (tx) => {
    const rows = await tx
      .update(dialogues)
      .set({ status: 'closed', closedAt: now })
      .where(inArray(dialogues.id, claimable))
      .returning();
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await tx.delete(dialogueVotes).where(inArray(dialogueVotes.dialogueId, ids));
      await tx.delete(dialogueSalts).where(inArray(dialogueSalts.dialogueId, ids));
    }
    // The summaries are queued with the close (the counts are the questions' own, not the ledger's).
    for (const dialogue of rows) {
      const unit = await findUnitById(tx, dialogue.unitId);
      if (!unit) continue;
      const summary = await summarise(tx, dialogue, unit);
      await enqueue(
        tx,
        groupRows(
          'dialogue_summary',
          dialogue.id,
          await unitGroups(deps, unit, tx),
          { text: summaryText(dialogue.locale, summary) },
          now,
        ),
      );
    }
    return rows;
  });
  for (const dialogue of closed) deps.logger.info({ dialogue: dialogue.id }, 'dialogue closed');
  if (closed.length > 0) await deliverOutbox(deps, { kinds: ['dialogue_summary'] });
  return closed.length;
}
