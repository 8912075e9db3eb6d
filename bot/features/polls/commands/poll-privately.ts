import { eq, sql } from 'drizzle-orm';
import { pollDeliveries, polls } from '../../../../db/schema';
import { localeOr } from '../../../kernel/i18n';
import type { StartPayloadHandler } from '../../../runtime/start-payloads';
import { pollMessage } from '../render';
import { ANSWER_START_PREFIX } from '../types';

/**
 * /start poll-ID, sent in a DM: a poll posted to a group where choices would be typed in view of
 * everyone (Zalo OA numbered replies) is offered here instead. The DM gets its own delivery row,
 * counted for the unit of the person's group that got the poll, so the answer goes through the
 * same one-statement check (open, audience, once per person) and ballot box as any other.
 */
export const privatelyStartPayload: StartPayloadHandler = {
  matches: (payload) => new RegExp(`^${ANSWER_START_PREFIX}\\d{1,9}$`).test(payload),
  async handle(ctx, payload) {
    const pollId = Number(payload.slice(ANSWER_START_PREFIX.length));
    const { db, clock, config } = ctx.deps;
    const chat = ctx.event.chat;
    const refuse = () => ctx.replyPrivately(ctx.t('polls.privately.notInvited', { id: pollId }));
    if (chat.kind !== 'dm') return refuse();
    // The unit the answer counts for: that of a group of this platform that got the poll and
    // where the person is a member.
    const rows = await db.execute(sql`
      select d.unit_id from poll_deliveries d
      join polls p on p.id = d.poll_id and p.status = 'open' and p.closes_at > ${clock.now().toISOString()}::timestamptz
      join chats c on c.platform = d.platform and c.external_id = d.chat_external_id
      join chat_members m on m.chat_id = c.id and m.person_id = ${ctx.actor.person.id} and m.active
      where d.poll_id = ${pollId} and d.purpose = 'poll' and d.chat_kind = 'group'
        and d.platform = ${chat.platform} and d.unit_id is not null
      limit 1`);
    const found = Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? []);
    const unitId = (found[0] as { unit_id?: number } | undefined)?.unit_id;
    const [poll] = await db.select().from(polls).where(eq(polls.id, pollId));
    if (unitId === undefined || !poll) return refuse();
    const locale = localeOr(ctx.actor.locale, config.locale);
    await db
      .insert(pollDeliveries)
      .values({
        pollId,
        purpose: 'poll',
        platform: chat.platform,
        chatExternalId: chat.externalId,
        chatKind: 'dm',
        unitId,
        locale,
        // Sent at once, as the reply below: nothing for the delivery job to pick up.
        status: 'sent',
      })
      .onConflictDoNothing();
    await ctx.reply(pollMessage(poll, { locale, timeZone: config.timezone, answered: null }));
  },
};
