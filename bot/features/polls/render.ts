import type { Locale } from '../../kernel/i18n';
import { formatDateTime } from '../../kernel/time';
import type { Button, OutgoingMessage } from '../../kernel/types';
import { translate } from '../../messages';
import { ANSWER_PREFIX, ANSWER_START_PREFIX, COMMENT_START_PREFIX, type PollRow, SCALE_EMOJI } from './types';

/** Label of option `index` as shown on buttons and in results. */
export function optionLabel(poll: Pick<PollRow, 'kind' | 'options'>, index: number): string {
  return poll.kind === 'scale' ? `${SCALE_EMOJI[index]} ${index + 1}` : poll.options[index]!;
}

export function answerButtons(poll: Pick<PollRow, 'id' | 'kind' | 'options' | 'comments'>, locale: Locale) {
  const button = (index: number): Button => ({
    label: optionLabel(poll, index),
    data: `${ANSWER_PREFIX}:${poll.id}:${index}`,
    privately: `${ANSWER_START_PREFIX}${poll.id}`,
  });
  const indexes = poll.options.map((_, i) => i);
  const rows: Button[][] =
    poll.kind === 'choice' ? indexes.map((i) => [button(i)]) : [indexes.map((i) => button(i))];
  if (poll.comments) {
    rows.push([
      { label: translate(locale, 'polls.addComment'), startPayload: `${COMMENT_START_PREFIX}${poll.id}` },
    ]);
  }
  return rows;
}

/** "N people have answered", or that the count is withheld (a unit of the poll has fewer than k people). */
function answeredLine(locale: Locale, answered: number | null): string {
  return answered === null
    ? translate(locale, 'polls.answeredWithheld')
    : translate(locale, 'polls.answered', { count: answered });
}

/** The poll as posted: question, how it stays anonymous, deadline, participation (never what was answered). */
export function pollMessage(
  poll: PollRow,
  options: { locale: Locale; timeZone: string; answered: number | null },
): OutgoingMessage {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(options.locale, key, params);
  const lines = [
    t(poll.kind === 'scale' ? 'polls.header.scale' : 'polls.header.choice', { id: poll.id }),
    poll.question,
    '',
    t('polls.anonymousNote'),
    t('polls.closesAt', { time: formatDateTime(poll.closesAt, options.timeZone) }),
    answeredLine(options.locale, options.answered),
  ];
  if (poll.comments) lines.push(t('polls.commentsNote'));
  return { text: lines.join('\n'), buttons: answerButtons(poll, options.locale) };
}

/** The poll message once closed: no buttons left. */
export function closedPollMessage(
  poll: PollRow,
  options: { locale: Locale; timeZone: string; answered: number | null },
): OutgoingMessage {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(options.locale, key, params);
  return {
    text: [
      t(poll.kind === 'scale' ? 'polls.header.scale' : 'polls.header.choice', { id: poll.id }),
      poll.question,
      '',
      t('polls.closedAt', { time: formatDateTime(poll.closedAt ?? poll.closesAt, options.timeZone) }),
      answeredLine(options.locale, options.answered),
    ].join('\n'),
    buttons: [],
  };
}

export function reminderMessage(
  poll: PollRow,
  options: { locale: Locale; hoursLeft: number; answered: number | null },
): OutgoingMessage {
  return {
    text: [
      translate(options.locale, 'polls.reminder', { id: poll.id, hours: options.hoursLeft }),
      poll.question,
      answeredLine(options.locale, options.answered),
    ].join('\n'),
    buttons: answerButtons(poll, options.locale),
  };
}
