import { MIN_ANSWERS, MIN_COMMENTS } from '../../kernel/anonymity';
import type { Deps } from '../../runtime/deps';
import type { UnitRow } from '../org';
import { createPoll } from './create';
import { deliverPending } from './deliver';
import { type PollRow, SCALE_EMOJI } from './types';

/**
 * Opens a 1–5 pulse in the groups of `units` from another feature (e.g. the follow-up of an action,
 * bot/features/actions): the same poll, anonymity and thresholds as /pulse. Undefined when the units
 * have no group or person to ask.
 */
export async function openScalePulse(
  deps: Deps,
  input: { question: string; units: UnitRow[]; closesAt: Date; now: Date },
): Promise<PollRow | undefined> {
  const outcome = await deps.db.transaction((tx) =>
    createPoll(
      deps,
      tx,
      {
        question: input.question,
        kind: 'scale',
        options: [...SCALE_EMOJI],
        audience: input.units,
        dm: false,
        comments: false,
        closesAt: input.closesAt,
        minAnswers: MIN_ANSWERS,
        minComments: MIN_COMMENTS,
        creatorPersonId: null,
        locale: deps.config.locale,
      },
      input.now,
    ),
  );
  if (!outcome.ok) return undefined;
  await deliverPending(deps, { pollIds: [outcome.poll.id], limit: 50 });
  return outcome.poll;
}
