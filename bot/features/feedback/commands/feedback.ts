import type { ButtonHandler } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { findUnitById } from '../../org';
import {
  allowReplies,
  FEEDBACK_PER_HOUR,
  MAX_FEEDBACK_LENGTH,
  senderUnitId,
  sendFeedbackNow,
  shortId,
  submitFeedback,
} from '../feedback';
import { outboxOf } from '../outbox';
import { SlidingWindowLimiter } from '../rate-limit';
import { openOfferToken, sealOfferToken } from '../seal';

const HOUR_MS = 60 * 60 * 1000;
const ALLOW_REPLIES_PREFIX = 'fr';
const SEND_NOW_PREFIX = 'fn';
const FEEDBACK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * /feedback TEXT (alias /gopy), in the DM with the bot: anonymous feedback to the leaders of the
 * sender's unit. The limiter is this command instance's own (one per running app), in memory only.
 */
export function createFeedbackCommand(limiter = new SlidingWindowLimiter(FEEDBACK_PER_HOUR, HOUR_MS)) {
  return defineCommand<{ text: string }>({
    name: 'feedback',
    aliases: ['gopy'],
    minRole: null,
    where: 'dm',
    // Never audited: an audit row would put the sender's id beside the moment they sent it.
    audited: false,
    anonymousText: true,
    descriptionKey: 'cmd.feedback',
    usageKey: 'usage.feedback',
    parse: (args) => (args === '' ? null : { text: args }),
    async run(ctx, { text }) {
      const { deps, t } = ctx;
      if (text.length > MAX_FEEDBACK_LENGTH)
        return ctx.reply(t('feedback.tooLong', { max: MAX_FEEDBACK_LENGTH }));
      const unitId = senderUnitId(ctx.actor.roles);
      const unit = unitId === undefined ? undefined : await findUnitById(deps.db, unitId);
      if (!unit) return ctx.reply(t('feedback.noUnit'));
      const now = deps.clock.now();
      if (!limiter.tryTake(ctx.actor.person.id, now)) {
        return ctx.reply(t('feedback.rateLimited', { limit: FEEDBACK_PER_HOUR }));
      }
      const saved = submitFeedback(deps, { unitId: unit.id, text, now });
      const lines = [t('feedback.saved', { id: shortId(saved.id), unit: unit.name })];
      lines.push(deps.config.secret ? t('feedback.offerReplies') : t('feedback.repliesOff'));
      const buttons: { label: string; data: string }[][] = [];
      if (deps.config.secret) {
        buttons.push([
          {
            label: t('feedback.allowReplies'),
            data: `${ALLOW_REPLIES_PREFIX}:${sealOfferToken(deps.config.secret, saved.id)}`,
          },
        ]);
      }
      if (saved.urgent) {
        lines.push(t('feedback.urgentOffer'));
        buttons.push([
          {
            label: t('feedback.sendNow'),
            data: `${SEND_NOW_PREFIX}:${outboxOf(deps).sendNowToken(saved.id)}`,
          },
        ]);
      }
      await ctx.reply({ text: lines.join('\n\n'), buttons: buttons.length > 0 ? buttons : undefined });
    },
  });
}

/** "Send now", offered for a critical topic only: the sender accepts that the exact time is known. */
export const sendNowButton: ButtonHandler = {
  prefix: SEND_NOW_PREFIX,
  async handle(ctx, payload) {
    const id = outboxOf(ctx.deps).redeem(payload);
    if (!id || ctx.event.chat.kind !== 'dm')
      return ctx.answer(ctx.t('feedback.sendNowGone'), { alert: true });
    const outcome = await sendFeedbackNow(ctx.deps, id, ctx.deps.clock.now());
    if (outcome === 'gone') return ctx.answer(ctx.t('feedback.sendNowGone'), { alert: true });
    await ctx.answer(ctx.t('feedback.sentNow', { id: shortId(id) }));
  },
};

/** "Allow anonymous replies", pressed in the sender's own DM: seals their account to the feedback. */
export const allowRepliesButton: ButtonHandler = {
  prefix: ALLOW_REPLIES_PREFIX,
  async handle(ctx, payload) {
    const secret = ctx.deps.config.secret;
    const feedbackId = secret ? openOfferToken(secret, payload) : undefined;
    if (!secret) return ctx.answer(ctx.t('feedback.repliesOff'), { alert: true });
    if (!feedbackId || !FEEDBACK_ID.test(feedbackId) || ctx.event.chat.kind !== 'dm') {
      return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    }
    const { from } = ctx.event;
    const outcome = allowReplies(
      ctx.deps,
      feedbackId,
      { platform: from.platform, externalId: from.externalId, locale: ctx.actor.person.locale },
      ctx.deps.clock.now(),
    );
    const key = {
      allowed: 'feedback.repliesAllowed',
      already: 'feedback.repliesAlready',
      disabled: 'feedback.repliesOff',
    } as const;
    await ctx.answer(ctx.t(key[outcome]), { alert: outcome !== 'allowed' && outcome !== 'already' });
  },
};
