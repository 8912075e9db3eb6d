import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { feedback, feedbackReplyHandles, people, roles } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { Locale } from '../../kernel/i18n';
import { isLocale } from '../../kernel/i18n';
import type { HeldRole } from '../../kernel/roles';
import { floorToHour, formatDateTime } from '../../kernel/time';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { dmAccounts, findUnitById, unitChain } from '../org';
import { type HeldFeedback, outboxOf, REPLY_HANDLE_DAYS } from './outbox';
import { openAddress, type ReplyAddress, sealAddress } from './seal';

export type FeedbackRow = typeof feedback.$inferSelect;

export const FEEDBACK_PER_HOUR = 5;
export const MAX_FEEDBACK_LENGTH = 3000;
export { REPLY_HANDLE_DAYS };

const RELAY_BATCH = 100;

/** What people type to refer to a feedback: the first 8 characters of its random id. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The unit feedback concerns: the deepest unit of the sender's roles. */
export function senderUnitId(held: readonly HeldRole[]): number | undefined {
  let best: HeldRole | undefined;
  for (const role of held) {
    if (role.unitId === null || role.unitPath === null) continue;
    if (!best || role.unitPath.split('/').length > best.unitPath!.split('/').length) best = role;
  }
  return best?.unitId ?? undefined;
}

/**
 * Holds feedback (unit, text, hour — nothing about the sender) in this process's memory. Nothing of
 * the sender's request writes it: it is written at the hourly step with the hour's other feedback as
 * one shuffled batch (`flushFeedback`), then relayed. Its hot-spot signal is published at the relay.
 * `urgent`: the text raises a critical topic, and the sender may choose to send it at once.
 */
export function submitFeedback(
  deps: Deps,
  input: { unitId: number; text: string; now: Date },
): HeldFeedback & { urgent: boolean } {
  const text = input.text.normalize('NFC').trim();
  const held = outboxOf(deps).hold({ unitId: input.unitId, text, now: input.now });
  return { ...held, urgent: deps.signals.isUrgent(text) };
}

/**
 * The hourly step: writes the feedback of ended hours (`all`: everything this process holds, at a
 * graceful stop) and the held reply handles, as one shuffled batch. Readers of feedback already
 * relayed learn that they can now reply.
 */
export async function flushFeedback(deps: Deps, now: Date, options = { all: false }): Promise<number> {
  const written = await outboxOf(deps).flush(deps.db, now, options);
  for (const id of written.handlesOfRelayed) {
    const [item] = await deps.db.select().from(feedback).where(eq(feedback.id, id));
    if (item) await notifyRepliesAllowed(deps, item);
  }
  return written.feedback.length;
}

export type SendNowOutcome = 'sent' | 'gone';

/**
 * A critical feedback its sender chose to send at once (they were told the exact time then narrows
 * who sent it): written alone and relayed now, its hot-spot signal published now.
 */
export async function sendFeedbackNow(deps: Deps, feedbackId: string, now: Date): Promise<SendNowOutcome> {
  const outbox = outboxOf(deps);
  const held = outbox.take(feedbackId);
  if (!held) return 'gone';
  try {
    await outbox.writeAlone(deps.db, held, now);
  } catch (error) {
    outbox.restore(held);
    throw error;
  }
  const [item] = await deps.db
    .update(feedback)
    .set({ relayed: true })
    .where(eq(feedback.id, feedbackId))
    .returning();
  if (item) await relayOne(deps, item, now);
  return 'sent';
}

/** Finds feedback by the short id leaders see ("#3f9a1c2b" or a longer prefix). */
export async function findFeedback(
  db: DbOrTx,
  reference: string,
): Promise<FeedbackRow | 'ambiguous' | undefined> {
  const prefix = reference.trim().replace(/^#/, '').toLowerCase();
  if (!/^[0-9a-f][0-9a-f-]{5,35}$/.test(prefix)) return undefined;
  const rows = await db
    .select()
    .from(feedback)
    .where(sql`${feedback.id}::text like ${`${prefix}%`}`)
    .limit(2);
  if (rows.length > 1) return 'ambiguous';
  return rows[0];
}

export interface Recipient {
  personId: number;
  locale: Locale | null;
  address: ReplyAddress;
}

/**
 * Who reads feedback about a unit: its leaders, or those of the nearest ancestor that has leaders;
 * with no leader anywhere above, the admins of the unit's chain and the organisation.
 */
export async function feedbackRecipients(deps: Deps, unitId: number): Promise<Recipient[]> {
  const { db } = deps;
  const unit = await findUnitById(db, unitId);
  if (!unit) return [];
  const chain = (await unitChain(db, unit)).reverse();
  let personIds: number[] = [];
  for (const level of chain) {
    const leaders = await db
      .select({ personId: roles.personId })
      .from(roles)
      .where(and(eq(roles.role, 'leader'), eq(roles.unitId, level.id)));
    if (leaders.length > 0) {
      personIds = leaders.map((l) => l.personId);
      break;
    }
  }
  if (personIds.length === 0) {
    const admins = await db
      .select({ personId: roles.personId })
      .from(roles)
      .where(
        and(
          eq(roles.role, 'admin'),
          or(
            isNull(roles.unitId),
            inArray(
              roles.unitId,
              chain.map((u) => u.id),
            ),
          ),
        ),
      );
    personIds = admins.map((a) => a.personId);
  }
  if (personIds.length === 0) return [];
  const recipients: Recipient[] = [];
  for (const personId of [...new Set(personIds)]) {
    const [account] = await dmAccounts(db, deps.messenger, personId);
    if (!account) continue;
    const [person] = await db.select({ locale: people.locale }).from(people).where(eq(people.id, personId));
    recipients.push({
      personId,
      locale: isLocale(person?.locale) ? person.locale : null,
      address: { platform: account.platform, externalId: account.externalId },
    });
  }
  return recipients;
}

/**
 * Relays feedback of past hours to its readers (a scheduler job). Feedback waits for its hour to
 * end, and an hour's feedback goes out together in random order, so the moment a leader receives it
 * says no more than the hour that is stored.
 */
export async function relayDueFeedback(deps: Deps, now: Date): Promise<number> {
  const { db } = deps;
  await flushFeedback(deps, now).catch((error) =>
    deps.logger.error({ err: error }, 'held feedback could not be written; kept for the next step'),
  );
  const due = db
    .select({ id: feedback.id })
    .from(feedback)
    .where(and(eq(feedback.relayed, false), lt(feedback.hour, floorToHour(now))))
    .orderBy(feedback.id)
    .limit(RELAY_BATCH)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(feedback)
    .set({ relayed: true })
    .where(inArray(feedback.id, due))
    .returning();
  claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
  let relayed = 0;
  for (const item of claimed) if (await relayOne(deps, item)) relayed++;
  return relayed;
}

/**
 * Relays one claimed feedback to its readers and publishes its signal (at its hour, or at `sentAt`
 * when its sender chose to send it at once). False when nobody received it.
 */
async function relayOne(deps: Deps, item: FeedbackRow, sentAt?: Date): Promise<boolean> {
  const { db } = deps;
  const recipients = await feedbackRecipients(deps, item.unitId);
  if (recipients.length === 0) {
    deps.logger.warn({ feedback: shortId(item.id) }, 'feedback has nobody to read it');
    await publishFeedbackSignal(deps, item, sentAt);
    return false;
  }
  const unit = await findUnitById(db, item.unitId);
  const [handle] = await db
    .select({ id: feedbackReplyHandles.feedbackId })
    .from(feedbackReplyHandles)
    .where(eq(feedbackReplyHandles.feedbackId, item.id));
  let delivered = 0;
  let retry = false;
  for (const recipient of recipients) {
    const locale = recipient.locale ?? deps.config.locale;
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate(locale, key, params);
    const text = [
      t('feedback.relay.title', { unit: unit?.name ?? '' }),
      t('feedback.relay.meta', {
        id: shortId(item.id),
        hour: formatDateTime(sentAt ?? item.hour, deps.config.timezone),
      }),
      '',
      item.text,
      '',
      handle ? t('feedback.relay.canReply', { id: shortId(item.id) }) : t('feedback.relay.noReply'),
    ].join('\n');
    try {
      await deps.messenger.sendDm(recipient.address, { text });
      delivered++;
    } catch (error) {
      retry ||= error instanceof DeliveryError && !error.permanent;
      deps.logger.warn({ err: error, feedback: shortId(item.id) }, 'feedback relay failed');
    }
  }
  if (delivered === 0 && retry) {
    await db.update(feedback).set({ relayed: false }).where(eq(feedback.id, item.id));
    return false;
  }
  await publishFeedbackSignal(deps, item, sentAt);
  return delivered > 0;
}

/** Published once, when the hour has ended: hot spots learn no finer time than the relay. */
async function publishFeedbackSignal(deps: Deps, item: FeedbackRow, sentAt?: Date): Promise<void> {
  await deps.signals.publish({
    text: item.text,
    source: 'feedback',
    unitId: item.unitId,
    chatId: null,
    at: sentAt ?? item.hour,
    ...(sentAt ? { sentNow: true } : {}),
  });
}

export type AllowRepliesOutcome = 'allowed' | 'already' | 'disabled';

/**
 * Keeps a sealed way back to the sender, on their explicit request only. The handle is held in
 * memory and written at the next hourly step with the hour's batch (never by the sender's request,
 * which would tie their account to the feedback in a statement log); it expires 30 days after the
 * feedback's hour, derived from the stored hour, so it adds no finer time.
 */
export function allowReplies(
  deps: Deps,
  feedbackId: string,
  address: ReplyAddress,
  now: Date,
): AllowRepliesOutcome {
  const secret = deps.config.secret;
  if (!secret) return 'disabled';
  const held = outboxOf(deps).holdHandle(feedbackId, sealAddress(secret, feedbackId, address), now);
  return held ? 'allowed' : 'already';
}

async function notifyRepliesAllowed(deps: Deps, item: FeedbackRow): Promise<void> {
  for (const recipient of await feedbackRecipients(deps, item.unitId)) {
    const text = translate(recipient.locale ?? deps.config.locale, 'feedback.relay.nowCanReply', {
      id: shortId(item.id),
    });
    await deps.messenger
      .sendDm(recipient.address, { text })
      .catch((error) => deps.logger.warn({ err: error }, 'feedback notice failed'));
  }
}

export type ReplyOutcome = 'sent' | 'no_handle' | 'undeliverable' | 'disabled';

/** Sends a leader's reply to the sender through the sealed handle; the leader learns nothing about them. */
export async function replyToFeedback(
  deps: Deps,
  item: FeedbackRow,
  input: { text: string; unitName: string; now: Date },
): Promise<ReplyOutcome> {
  const secret = deps.config.secret;
  if (!secret) return 'disabled';
  const [handle] = await deps.db
    .select()
    .from(feedbackReplyHandles)
    .where(eq(feedbackReplyHandles.feedbackId, item.id));
  if (!handle || handle.expiresAt <= input.now) return 'no_handle';
  const address = openAddress(secret, item.id, handle.sealed);
  if (!address) return 'no_handle';
  // The sender's language travels sealed with the account: looking the account up here would write
  // it, in clear, into a statement log next to this feedback.
  const locale: Locale = isLocale(address.locale) ? address.locale : deps.config.locale;
  try {
    await deps.messenger.sendDm(
      { platform: address.platform, externalId: address.externalId },
      {
        text: translate(locale, 'feedback.reply.received', {
          id: shortId(item.id),
          unit: input.unitName,
          text: input.text.normalize('NFC').trim(),
        }),
      },
    );
    return 'sent';
  } catch (error) {
    deps.logger.warn({ err: error }, 'feedback reply failed');
    return 'undeliverable';
  }
}

/** Deletes reply handles past their 30 days (a scheduler job). */
export async function purgeExpiredHandles(db: DbOrTx, now: Date): Promise<number> {
  const deleted = await db
    .delete(feedbackReplyHandles)
    .where(lte(feedbackReplyHandles.expiresAt, now))
    .returning({ id: feedbackReplyHandles.feedbackId });
  return deleted.length;
}
