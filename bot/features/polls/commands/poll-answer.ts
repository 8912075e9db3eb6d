import type { ButtonHandler } from '../../../runtime/types';
import { recordAnswer } from '../answer';
import { ballotsOf } from '../ballot-box';
import { ANSWER_PREFIX } from '../types';

const PAYLOAD = /^(\d{1,9}):(\d{1,2})$/;

/**
 * A tap on an answer button ("pa:POLL:OPTION"). The only acknowledgement is the private toast, which
 * never repeats the choice: nothing in the chat shows what anyone answered.
 */
export const pollAnswerButton: ButtonHandler = {
  prefix: ANSWER_PREFIX,
  async handle(ctx, payload) {
    const match = PAYLOAD.exec(payload);
    if (!match) return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    const outcome = await recordAnswer(ctx.deps.db, ballotsOf(ctx.deps), {
      pollId: Number(match[1]),
      option: Number(match[2]),
      personId: ctx.actor.person.id,
      chat: ctx.event.chat,
      now: ctx.deps.clock.now(),
    });
    switch (outcome.kind) {
      case 'recorded': {
        const key = outcome.comments ? 'polls.answer.recordedComment' : 'polls.answer.recorded';
        return ctx.answer(ctx.t(key, { k: outcome.k }));
      }
      case 'not_audience':
        return ctx.answer(ctx.t('polls.answer.notAudience'), { alert: true });
      case 'already':
        return ctx.answer(ctx.t('polls.answer.already'));
      case 'closed':
        return ctx.answer(ctx.t('polls.answer.closed'), { alert: true });
      default:
        return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    }
  },
};
