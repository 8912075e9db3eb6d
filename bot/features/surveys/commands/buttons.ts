import { readId } from '../../../kernel/buttons';
import type { MessageListener } from '../../../runtime/handle-event';
import type { ButtonHandler } from '../../../runtime/types';
import { back, beginReply, step, stepReply } from '../conversation';
import { awaitingText, beginSurvey } from '../store';
import { ANSWER_PREFIX, BACK_PREFIX, MAX_QUESTIONS, SKIP, START_PREFIX } from '../types';

const ANSWER = /^([1-9]\d{0,8}):(\d{1,2}):(\d{1,2}|s)$/;
const BACK = /^([1-9]\d{0,8}):(\d{1,2})$/;

/** "sva:SURVEY:QUESTION:VALUE" (VALUE an option or "s" to skip), only in the DM with the bot. */
export const surveyAnswerButton: ButtonHandler = {
  prefix: ANSWER_PREFIX,
  async handle(ctx, payload) {
    const match = ANSWER.exec(payload);
    const question = Number(match?.[2]);
    if (!match || ctx.event.chat.kind !== 'dm' || question >= MAX_QUESTIONS)
      return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    const answer = match[3] === SKIP ? null : Number(match[3]);
    const outcome = await step(ctx, { surveyId: Number(match[1]), question, answer });
    await ctx.answer(outcome.kind === 'next' || outcome.kind === 'done' ? ctx.t('surveys.toast.saved') : '');
    await ctx.reply(stepReply(ctx, outcome));
  },
};

/** "svb:SURVEY:QUESTION": back to the question before. */
export const surveyBackButton: ButtonHandler = {
  prefix: BACK_PREFIX,
  async handle(ctx, payload) {
    const match = BACK.exec(payload);
    if (!match || ctx.event.chat.kind !== 'dm')
      return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    const outcome = await back(ctx, { surveyId: Number(match[1]), question: Number(match[2]) });
    await ctx.answer('');
    await ctx.reply(stepReply(ctx, outcome));
  },
};

/**
 * "svgo:SURVEY": take the survey. In a unit's group the questions go to the person's DM (the group
 * sees nothing); in a DM they come right there.
 */
export const surveyStartButton: ButtonHandler = {
  prefix: START_PREFIX,
  async handle(ctx, payload) {
    const surveyId = readId(payload);
    if (surveyId === null) return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    const outcome = await beginSurvey(ctx.deps.db, {
      surveyId,
      personId: ctx.actor.person.id,
      now: ctx.deps.clock.now(),
    });
    const reply = beginReply(ctx, outcome);
    if (ctx.event.chat.kind === 'dm') {
      await ctx.answer('');
      return ctx.reply(reply);
    }
    if (outcome.kind !== 'ready') return ctx.answer(typeof reply === 'string' ? reply : '', { alert: true });
    try {
      await ctx.deps.messenger.sendDm(ctx.event.from, typeof reply === 'string' ? { text: reply } : reply);
      await ctx.answer(ctx.t('surveys.toast.sentToDm'));
    } catch {
      await ctx.answer(ctx.t('surveys.toast.openDm', { id: surveyId }), { alert: true });
    }
  },
};

/** A plain DM while the person's current survey question takes text: that text is the answer. */
export const surveyTextListener: MessageListener = async (ctx, event) => {
  if (event.chat.kind !== 'dm') return false;
  const waiting = await awaitingText(ctx.deps.db, ctx.actor.person.id, ctx.deps.clock.now());
  const current = waiting[0];
  if (!current) return false;
  const text = event.text.normalize('NFC').trim();
  if (text === '') return false;
  const outcome = await step(ctx, { surveyId: current.survey.id, question: current.question, answer: text });
  await ctx.reply(stepReply(ctx, outcome));
  return true;
};
