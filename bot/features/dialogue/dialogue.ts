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
  outbox,
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
/** The outbox kind of a question's post in a group. */
export const DIALOGUE_QUESTION = 'dialogue_question';

export interface GroupChat {
  platform: Platform;
  externalId: string;
}

/** The bound group chats of the unit's subtree, on platforms this process runs that have groups. */
export async function unitGroups(
  deps: Pick<Deps, 'messenger'> & { db: DbOrTx },
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
 * Writes held questions as one shuffled batch per dialogue (numbered in that order) and, in that
 * same transaction, their posts in the dialogue's groups (with the vote button) as outbox rows in
 * number order, keyed by (dialogue, number, group) and due at the questions' hour (`sentNow`: now);
 * then the outbox sends them and their hot-spot signals are published. Questions of a dialogue
 * that has closed meanwhile are dropped. Returns how many were written.
 */
async function writeAndPost(deps: Deps, items: HeldQuestion[], sentNow: boolean): Promise<number> {
  const byDialogue = new Map<number, HeldQuestion[]>();
  for (const item of items)
    byDialogue.set(item.dialogueId, [...(byDialogue.get(item.dialogueId) ?? []), item]);
  const written: { dialogueId: number; unitId: number; rows: QuestionRow[] }[] = [];
  for (const [dialogueId, batch] of byDialogue) {
    try {
      const done = await deps.db.transaction(async (tx) => {
        const [dialogue] = await tx
          .select()
          .from(dialogues)
          .where(eq(dialogues.id, dialogueId))
          .for('update');
        // A dialogue closed meanwhile (by another process) takes no more questions: they are dropped.
        if (dialogue?.status !== 'open') return undefined;
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
        const rows = await tx.insert(dialogueQuestions).values(values).returning();
        await queuePosts(deps, tx, dialogue, rows, sentNow ? deps.clock.now() : undefined);
        return { dialogueId, unitId: dialogue.unitId, rows };
      });
      if (done) written.push(done);
    } catch (error) {
      questionOutboxOf(deps).restore(batch);
      throw error;
    }
  }
  if (written.length === 0) return 0;
  await deliverOutbox(deps, { kinds: [DIALOGUE_QUESTION] });
  await recordPosts(deps.db);
  for (const { unitId, rows } of written) {
    for (const row of rows.sort((a, b) => a.number - b.number)) {
      // Questions are an anonymous source: hot spots learn the hour, as for feedback.
      await deps.signals.publish({
        text: row.text,
        source: 'feedback',
        unitId,
        chatId: null,
        at: sentNow ? deps.clock.now() : row.hour,
        ...(sentNow ? { sentNow: true } : {}),
      });
    }
  }
  return written.reduce((n, w) => n + w.rows.length, 0);
}

/** The outbox key of a question's post: (dialogue, number, group), nothing of its asker. */
function postKey(dialogueId: number, number: number, group: GroupChat): string {
  return `${DIALOGUE_QUESTION}:${dialogueId}:${number}:${group.platform}:${group.externalId}`;
}

/** Queues the posts of a batch's questions in number order (their `id` order is the shuffled one). */
async function queuePosts(
  deps: Deps,
  tx: DbOrTx,
  dialogue: DialogueRow,
  rows: QuestionRow[],
  sentAt: Date | undefined,
): Promise<void> {
  const unit = await findUnitById(tx, dialogue.unitId);
  if (!unit || rows.length === 0) return;
  const groups = await unitGroups({ db: tx, messenger: deps.messenger }, unit);
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(dialogue.locale, key, params);
  const posts: OutboxInput[] = [];
  for (const row of [...rows].sort((a, b) => a.number - b.number)) {
    for (const group of groups) {
      posts.push({
        key: postKey(dialogue.id, row.number, group),
        kind: DIALOGUE_QUESTION,
        to: { chat: groupRef(group) },
        message: {
          text: t('dialogue.question', { number: row.number, unit: unit.name, text: row.text }),
          buttons: [[{ label: t('dialogue.vote'), data: `${VOTE_PREFIX}:${row.id.replace(/-/g, '')}` }]],
        },
        notBefore: sentAt ?? row.hour,
      });
    }
  }
  await enqueue(tx, posts);
}

/**
 * Copies where the outbox sent each question's post into `dialogue_posts` (replies to it are
 * answers), whichever process sent it; run after each send and at every hourly step.
 */
export async function recordPosts(db: DbOrTx): Promise<void> {
  await db.execute(sql`
    insert into dialogue_posts (question_id, platform, chat_external_id, message_id)
    select q.id, o.platform, o.sent_chat_id, o.sent_message_id
    from outbox o
    join dialogue_questions q
      on q.dialogue_id = split_part(o.key, ':', 2)::int and q.number = split_part(o.key, ':', 3)::int
    where o.kind = ${DIALOGUE_QUESTION} and o.status = 'sent'
      and o.sent_chat_id is not null and o.sent_message_id is not null
    on conflict do nothing`);
}

/** The hourly step: questions of ended hours (`all`: every held one), written and posted. */
export async function flushQuestions(
  deps: Deps,
  now: Date,
  options: { all?: boolean; dialogueId?: number } = {},
): Promise<number> {
  const due = questionOutboxOf(deps).takeDue(now, options);
  // Posts another process (or the outbox job, after a retry) sent since: their ids are kept.
  await recordPosts(deps.db);
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
  if (found) return found;
  // Sent by the outbox but not yet copied into dialogue_posts: the outbox row says which question.
  const [sent] = await db
    .select({ key: outbox.key })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, DIALOGUE_QUESTION),
        eq(outbox.status, 'sent'),
        eq(outbox.platform, chat.platform),
        eq(outbox.sentChatId, chat.externalId),
        eq(outbox.sentMessageId, messageId),
      ),
    )
    .limit(1);
  const [, dialogueId, number] = sent?.key.split(':') ?? [];
  if (!dialogueId || !number) return undefined;
  const [viaOutbox] = await db
    .select({ question: dialogueQuestions, dialogue: dialogues, unit: units })
    .from(dialogueQuestions)
    .innerJoin(dialogues, eq(dialogues.id, dialogueQuestions.dialogueId))
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(
      and(eq(dialogueQuestions.dialogueId, Number(dialogueId)), eq(dialogueQuestions.number, Number(number))),
    );
  return viaOutbox;
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
