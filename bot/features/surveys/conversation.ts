import type { Locale } from '../../kernel/i18n';
import type { Button, OutgoingMessage } from '../../kernel/types';
import type { Translate } from '../../messages';
import type { InteractionContext } from '../../runtime/types';
import { surveyBoxOf } from './box';
import { questionText } from './results';
import { type BackOutcome, type BeginOutcome, backSurvey, type StepOutcome, stepSurvey } from './store';
import { ANSWER_PREFIX, type Answer, BACK_PREFIX, SCALE_LABELS, SKIP, type SurveyRow } from './types';

/** One question as one message: "Câu 3/7", the question, its answer buttons, back and skip. */
export function questionMessage(
  survey: SurveyRow,
  index: number,
  t: Translate,
  locale: Locale,
  note?: string,
): OutgoingMessage {
  const question = survey.questions[index]!;
  const total = survey.questions.length;
  const answer = (label: string, value: number | typeof SKIP): Button => ({
    label,
    data: `${ANSWER_PREFIX}:${survey.id}:${index}:${value}`,
  });
  const rows: Button[][] = [];
  switch (question.kind) {
    case 'scale':
      rows.push(SCALE_LABELS.map((label, i) => answer(label, i)));
      break;
    case 'yesno':
      rows.push([answer(t('surveys.yes'), 0), answer(t('surveys.no'), 1)]);
      break;
    case 'nps':
      rows.push(Array.from({ length: 6 }, (_, i) => answer(String(i), i)));
      rows.push(Array.from({ length: 5 }, (_, i) => answer(String(i + 6), i + 6)));
      break;
    case 'choice':
      for (const [i, option] of (question.options ?? []).entries()) rows.push([answer(option, i)]);
      break;
    case 'text':
      break;
  }
  const nav: Button[] = [];
  if (index > 0) nav.push({ label: t('surveys.back'), data: `${BACK_PREFIX}:${survey.id}:${index}` });
  nav.push(answer(t('surveys.skip'), SKIP));
  rows.push(nav);
  const hint = {
    scale: 'surveys.hint.scale',
    yesno: 'surveys.hint.choice',
    choice: 'surveys.hint.choice',
    nps: 'surveys.hint.nps',
    text: 'surveys.hint.text',
  } as const;
  const lines = [
    ...(note ? [note, ''] : []),
    t('surveys.question.header', { id: survey.id, title: survey.title, n: index + 1, total }),
    '',
    questionText(question, locale),
    '',
    t(hint[question.kind]),
  ];
  return { text: lines.join('\n'), buttons: rows };
}

/** What to say to a person who asked to start or resume a survey. */
export function beginReply(ctx: InteractionContext, outcome: BeginOutcome): OutgoingMessage | string {
  const { t } = ctx;
  switch (outcome.kind) {
    case 'ready': {
      const note = outcome.resumed
        ? t('surveys.resume', { n: outcome.question + 1, total: outcome.survey.questions.length })
        : t('surveys.intro', { k: outcome.survey.minAnswers, total: outcome.survey.questions.length });
      return questionMessage(outcome.survey, outcome.question, t, ctx.actor.locale, note);
    }
    case 'finished':
      return t('surveys.alreadyFinished');
    case 'closed':
      return t('surveys.closed');
    case 'not_audience':
      return t('surveys.notAudience');
    case 'unknown':
      return t('surveys.unknown');
  }
}

/** The reply to a step (answer, skip or typed text): the next question, the thanks, or why not. */
export function stepReply(
  ctx: InteractionContext,
  outcome: StepOutcome | BackOutcome,
): OutgoingMessage | string {
  const { t } = ctx;
  const locale = ctx.actor.locale;
  switch (outcome.kind) {
    case 'next':
    case 'back':
      return questionMessage(outcome.survey, outcome.question, t, locale);
    case 'done':
      return t('surveys.done', { k: outcome.survey.minAnswers });
    case 'stale':
      return questionMessage(outcome.survey, outcome.question, t, locale, t('surveys.stale'));
    case 'sealed':
      return questionMessage(outcome.survey, outcome.question, t, locale, t('surveys.sealed'));
    case 'bad_answer':
      return questionMessage(outcome.survey, outcome.question, t, locale, t('surveys.badAnswer'));
    case 'too_long':
      return t('surveys.tooLong', { max: outcome.max });
    case 'finished':
      return t('surveys.alreadyFinished');
    case 'closed':
      return t('surveys.closed');
    case 'not_started':
      return t('surveys.notStarted');
    case 'unknown':
      return t('surveys.unknown');
  }
}

/** A step, from a button or typed text, answered in the person's DM. */
export async function step(
  ctx: InteractionContext,
  input: { surveyId: number; question: number; answer: Answer },
): Promise<StepOutcome> {
  const outcome = await stepSurvey(ctx.deps, surveyBoxOf(ctx.deps), {
    ...input,
    personId: ctx.actor.person.id,
    now: ctx.deps.clock.now(),
  });
  return outcome;
}

export async function back(
  ctx: InteractionContext,
  input: { surveyId: number; question: number },
): Promise<BackOutcome> {
  return backSurvey(ctx.deps, surveyBoxOf(ctx.deps), {
    ...input,
    personId: ctx.actor.person.id,
    now: ctx.deps.clock.now(),
  });
}
