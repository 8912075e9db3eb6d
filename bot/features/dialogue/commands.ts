import { and, eq, gt } from 'drizzle-orm';
import { dialogues, units } from '../../../db/schema';
import { isWithinPath } from '../../kernel/roles';
import {
  formatDateTime,
  localParts,
  parseDuration,
  parseLocalDateTime,
  zonedTimeToUtc,
} from '../../kernel/time';
import type { Deps } from '../../runtime/deps';
import { readFlags } from '../../runtime/flags';
import type { MessageListener } from '../../runtime/handle-event';
import type { StartPayloadHandler } from '../../runtime/start-payloads';
import {
  type ButtonHandler,
  type CommandContext,
  defineCommand,
  type InteractionContext,
  type Scope,
} from '../../runtime/types';
import { SlidingWindowLimiter } from '../feedback';
import { findUnitByCode, type UnitRow } from '../org';
import {
  answerQuestion,
  type DialogueRow,
  dialogueForAsker,
  listText,
  MAX_ANSWER_LENGTH,
  MAX_QUESTION_LENGTH,
  openDialogue,
  QUESTIONS_PER_HOUR,
  questionIdOf,
  questionOfPost,
  SEND_NOW_PREFIX,
  START_PREFIX,
  sendQuestionNow,
  submitQuestion,
  VOTE_PREFIX,
  vote,
} from './dialogue';
import { questionOutboxOf } from './outbox';

const HOUR_MS = 60 * 60 * 1000;
const MIN_OPEN_MS = 15 * 60_000;
const MAX_OPEN_MS = 7 * 24 * HOUR_MS;

type DialogueArgs =
  | { action: 'open'; code: string; until: string }
  | { action: 'list'; code?: string }
  | { action: 'answer'; number: number; text: string };

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export function parseDialogueArgs(args: string): DialogueArgs | null {
  const [head = '', ...rest] = args.split(/\s+/).filter(Boolean);
  if (head === '') return null;
  const lower = head.toLowerCase();
  if (lower === 'list') {
    if (rest.length > 1 || (rest[0] !== undefined && !CODE.test(rest[0]))) return null;
    return { action: 'list', code: rest[0] };
  }
  if (lower === 'answer' || lower === 'traloi') {
    const match = /^\S+\s+#?(\d{1,4})\s+([\s\S]+)$/.exec(args.trim());
    if (!match) return null;
    return { action: 'answer', number: Number(match[1]), text: match[2]!.trim() };
  }
  if (!CODE.test(head)) return null;
  const flags = readFlags(rest.join(' '), { until: 'value' });
  if (typeof flags.until !== 'string') return null;
  return { action: 'open', code: head, until: flags.until };
}

/** "17:00" (today, local), "2h", "2026-12-01T17:00"; undefined when unreadable. */
export function readUntil(value: string, now: Date, timeZone: string): Date | undefined {
  const clock = /^(\d{1,2})[:h](\d{2})$/.exec(value);
  if (clock) {
    const [hour, minute] = [Number(clock[1]), Number(clock[2])];
    if (hour > 23 || minute > 59) return undefined;
    const today = localParts(now, timeZone);
    return zonedTimeToUtc({ year: today.year, month: today.month, day: today.day, hour, minute }, timeZone);
  }
  const duration = parseDuration(value);
  if (duration !== undefined) return new Date(now.getTime() + duration);
  return parseLocalDateTime(value, timeZone);
}

/** The open dialogue a group belongs to: the deepest one whose unit holds the group's unit. */
async function dialogueOfGroup(
  deps: Deps,
  chatUnitId: number | null | undefined,
): Promise<{ dialogue: DialogueRow; unit: UnitRow } | undefined> {
  if (!chatUnitId) return undefined;
  const [chatUnit] = await deps.db.select().from(units).where(eq(units.id, chatUnitId));
  if (!chatUnit) return undefined;
  const open = await deps.db
    .select({ dialogue: dialogues, unit: units })
    .from(dialogues)
    .innerJoin(units, eq(units.id, dialogues.unitId))
    .where(and(eq(dialogues.status, 'open'), gt(dialogues.closesAt, deps.clock.now())));
  const matching = open.filter((o) => isWithinPath(chatUnit.path, o.unit.path));
  matching.sort((a, b) => b.unit.path.length - a.unit.path.length);
  return matching[0];
}

async function postAnswer(
  ctx: InteractionContext,
  found: { dialogue: DialogueRow; unit: UnitRow },
  number: number,
  text: string,
  echo: boolean,
): Promise<void> {
  const { deps, t } = ctx;
  if (text.length > MAX_ANSWER_LENGTH)
    return ctx.reply(t('dialogue.answerTooLong', { max: MAX_ANSWER_LENGTH }));
  const outcome = await answerQuestion(deps, {
    dialogue: found.dialogue,
    number,
    text,
    personId: ctx.actor.person.id,
    now: deps.clock.now(),
  });
  if (!outcome.ok) return ctx.reply(t('dialogue.answerUnknown', { number }));
  // An answer typed as a reply is already in the group; one typed as a command is posted by Pulse.
  await ctx.reply(
    echo
      ? t('dialogue.answerPost', { number, unit: found.unit.name, text: outcome.question.answer ?? '' })
      : t('dialogue.answerSaved', { number }),
  );
}

/** /doithoai (alias /dialogue): open a dialogue, list its questions, answer one. */
export const dialogueCommand = defineCommand<DialogueArgs>({
  name: 'doithoai',
  aliases: ['dialogue'],
  minRole: 'leader',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.dialogue',
  usageKey: 'usage.dialogue',
  parse: parseDialogueArgs,
  async scope(ctx: CommandContext, args): Promise<Scope> {
    if (args.action === 'answer') {
      if (ctx.event.chat.kind !== 'group') return { ok: false, message: ctx.t('dialogue.answerGroupOnly') };
      const found = await dialogueOfGroup(ctx.deps, ctx.chat?.unitId);
      if (!found) return { ok: false, message: ctx.t('dialogue.answerNoDialogue') };
      return { ok: true, unit: found.unit };
    }
    if (args.action === 'list' && args.code === undefined) return { ok: true, unit: null };
    const unit = await findUnitByCode(ctx.deps.db, args.code!);
    if (!unit)
      return { ok: false, message: ctx.t('dialogue.unknownUnit', { code: args.code!.toUpperCase() }) };
    return { ok: true, unit };
  },
  async run(ctx, args) {
    const { deps, t } = ctx;
    const now = deps.clock.now();
    if (args.action === 'list') {
      const unit = args.code ? await findUnitByCode(deps.db, args.code) : undefined;
      return ctx.reply(await listText(deps, { held: ctx.actor.roles, unit, locale: ctx.actor.locale }));
    }
    if (args.action === 'answer') {
      const found = await dialogueOfGroup(deps, ctx.chat?.unitId);
      if (!found) return ctx.reply(t('dialogue.answerNoDialogue'));
      return postAnswer(ctx, found, args.number, args.text, true);
    }
    const unit = (await findUnitByCode(deps.db, args.code))!;
    const closesAt = readUntil(args.until, now, deps.config.timezone);
    if (!closesAt)
      return ctx.reply(`${t('dialogue.badUntil', { value: args.until })}\n\n${t('usage.dialogue')}`);
    const open = closesAt.getTime() - now.getTime();
    if (open < MIN_OPEN_MS || open > MAX_OPEN_MS) return ctx.reply(t('dialogue.untilRange'));
    const outcome = await openDialogue(deps, { unit, closesAt, openedBy: ctx.actor.person.id, now });
    const time = (at: Date) => formatDateTime(at, deps.config.timezone);
    if (!outcome.ok) {
      return ctx.reply(
        outcome.reason === 'no_groups'
          ? t('dialogue.noGroups', { unit: unit.name })
          : t('dialogue.alreadyOpen', {
              unit: unit.name,
              id: outcome.dialogue.id,
              time: time(outcome.dialogue.closesAt),
            }),
      );
    }
    await ctx.reply(
      t('dialogue.opened', {
        id: outcome.dialogue.id,
        unit: unit.name,
        time: time(closesAt),
        groups: outcome.groups,
      }),
    );
  },
});

/**
 * /hoi TEXT (alias /ask), in the DM: an anonymous question to the open dialogue of the asker's unit.
 * Never audited, and its text is an anonymous source.
 */
export function createAskCommand(limiter = new SlidingWindowLimiter(QUESTIONS_PER_HOUR, HOUR_MS)) {
  return defineCommand<{ text: string }>({
    name: 'hoi',
    aliases: ['ask'],
    minRole: null,
    where: 'dm',
    audited: false,
    anonymousText: true,
    descriptionKey: 'cmd.ask',
    usageKey: 'usage.ask',
    parse: (args) => (args === '' ? null : { text: args }),
    async run(ctx, { text }) {
      const { deps, t } = ctx;
      if (text.length > MAX_QUESTION_LENGTH)
        return ctx.reply(t('dialogue.tooLong', { max: MAX_QUESTION_LENGTH }));
      const now = deps.clock.now();
      const found = await dialogueForAsker(deps.db, ctx.actor.roles, now);
      if (!found) return ctx.reply(t('dialogue.noOpen'));
      if (!limiter.tryTake(ctx.actor.person.id, now))
        return ctx.reply(t('dialogue.rateLimited', { limit: QUESTIONS_PER_HOUR }));
      const held = submitQuestion(deps, { dialogueId: found.dialogue.id, text, now });
      const lines = [t('dialogue.saved', { unit: found.unit.name })];
      if (!held.urgent) return ctx.reply(lines[0]!);
      lines.push(t('dialogue.urgentOffer'));
      await ctx.reply({
        text: lines.join('\n\n'),
        buttons: [
          [
            {
              label: t('dialogue.sendNow'),
              data: `${SEND_NOW_PREFIX}:${questionOutboxOf(deps).sendNowToken(held.id)}`,
            },
          ],
        ],
      });
    },
  });
}

/** 👍 under a question in the group. */
export const voteButton: ButtonHandler = {
  prefix: VOTE_PREFIX,
  async handle(ctx, payload) {
    const questionId = questionIdOf(payload);
    if (!questionId) return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    const { outcome, unit } = await vote(ctx.deps, {
      questionId,
      personId: ctx.actor.person.id,
      held: ctx.actor.roles,
      now: ctx.deps.clock.now(),
    });
    const key = {
      voted: 'dialogue.voted',
      already: 'dialogue.votedAlready',
      closed: 'dialogue.voteClosed',
      stale: 'error.staleButton',
      stranger: 'dialogue.voteStranger',
      leader: 'dialogue.voteLeader',
    } as const;
    await ctx.answer(ctx.t(key[outcome], { unit: unit?.name ?? '' }), { alert: outcome !== 'voted' });
  },
};

/** "Send now" for a critical question, pressed in the asker's DM. */
export const sendNowButton: ButtonHandler = {
  prefix: SEND_NOW_PREFIX,
  async handle(ctx, payload) {
    if (ctx.event.chat.kind !== 'dm') return ctx.answer(ctx.t('dialogue.sendNowGone'), { alert: true });
    let row: Awaited<ReturnType<typeof sendQuestionNow>>;
    try {
      row = await sendQuestionNow(ctx.deps, payload);
    } catch (error) {
      // An anonymous source: the error (which may quote the question) at debug level only.
      ctx.logger.debug({ err: error }, 'question not sent now');
      ctx.deps.logger.error('an anonymous question could not be sent now (details at debug level)');
      return ctx.answer(ctx.t('error.internal'), { alert: true });
    }
    if (!row) return ctx.answer(ctx.t('dialogue.sendNowGone'), { alert: true });
    await ctx.answer(ctx.t('dialogue.sentNow', { number: row.number }));
  },
};

/** The group post's "send a question" button opens the DM with this payload. */
export const dialogueStartPayload: StartPayloadHandler = {
  matches: (payload) => payload.startsWith(START_PREFIX),
  async handle(ctx) {
    await ctx.reply(ctx.t('dialogue.startHint'));
  },
};

/**
 * A leader's reply, in the group, to a question Pulse posted: that is the answer. Anyone else's
 * reply is ordinary chatter (left to the other listeners and the hot-spot matcher).
 */
export const answerListener: MessageListener = async (ctx, event) => {
  if (event.chat.kind !== 'group' || event.replyTo === undefined) return false;
  const found = await questionOfPost(ctx.deps.db, event.chat, event.replyTo);
  if (found?.dialogue.status !== 'open') return false;
  const leads = ctx.actor.roles.some(
    (r) =>
      (r.role === 'leader' || r.role === 'admin') &&
      (r.unitPath === null || isWithinPath(found.unit.path, r.unitPath)),
  );
  if (!leads) return false;
  await postAnswer(ctx, found, found.question.number, event.text, false);
  return true;
};
