import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { feedback, feedbackReplyHandles, people, roles } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import { isLocale } from '../../kernel/i18n';
import type { HeldRole } from '../../kernel/roles';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour, formatDateTime } from '../../kernel/time';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue, type OutboxInput } from '../../runtime/outbox/store';
import { dmAccounts, findUnitById, unitChain } from '../org';
import { type HeldFeedback, type InBatch, outboxOf, REPLY_HANDLE_DAYS } from './outbox';
import { openAddress, type ReplyAddress, sealAddress } from './seal';

export type FeedbackRow = typeof feedback.$inferSelect;

export const FEEDBACK_PER_HOUR = 5;
export const MAX_FEEDBACK_LENGTH = 3000;
export { REPLY_HANDLE_DAYS };

const RELAY_BATCH = 1000;

/** The outbox kinds of feedback: a relay to a reader, and "you can now reply to #id". */
export const FEEDBACK_RELAY = 'feedback_relay';
export const FEEDBACK_NOTICE = 'feedback_notice';
const FEEDBACK_KINDS = [FEEDBACK_RELAY, FEEDBACK_NOTICE] as const;

/**
 * An outbox key for an anonymous row: random, so it says nothing of the feedback, its sender or its
 * arrival (the relayed flag, set in the same transaction, is what makes a relay happen once).
 */
const anonymousKey = (kind: string) => `${kind}:${randomUUID()}`;

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
 * graceful stop) and the held reply handles, as one shuffled batch; in that same transaction, the
 * relays of every stored feedback whose hour has ended become outbox rows (shuffled, random keys,
 * `not_before` its hour), and readers of feedback already relayed are queued a notice that they can
 * now reply. Returns the feedback written and the feedback claimed for relay (signals to publish).
 */
async function hourlyBatch(deps: Deps, now: Date, options = { all: false }) {
  const claimed: Claimed[] = [];
  const inBatch: InBatch = async (tx, handlesOfRelayed) => {
    claimed.push(...(await queueRelays(deps, tx, now)));
    await queueNotices(deps, tx, handlesOfRelayed, now);
  };
  const written = await outboxOf(deps).flush(deps.db, now, options, inBatch);
  return { written: written.feedback.length, claimed };
}

export async function flushFeedback(deps: Deps, now: Date, options = { all: false }): Promise<number> {
  const { written, claimed } = await hourlyBatch(deps, now, options);
  for (const { item } of claimed) await publishFeedbackSignal(deps, item);
  return written;
}

export type SendNowOutcome = 'sent' | 'gone';

/**
 * A critical feedback its sender chose to send at once (they were told the exact time then narrows
 * who sent it): written alone with its relays queued (`not_before` now) in one transaction, sent
 * now, its hot-spot signal published now.
 */
export async function sendFeedbackNow(deps: Deps, feedbackId: string, now: Date): Promise<SendNowOutcome> {
  const outbox = outboxOf(deps);
  const held = outbox.take(feedbackId);
  if (!held) return 'gone';
  let item: FeedbackRow | undefined;
  try {
    await outbox.writeAlone(deps.db, held, now, async (tx) => {
      [item] = await tx
        .update(feedback)
        .set({ relayed: true })
        .where(eq(feedback.id, feedbackId))
        .returning();
      if (item) await enqueue(tx, shuffle(await relayRows(deps, tx, item, now)));
    });
  } catch (error) {
    outbox.restore(held);
    throw error;
  }
  await deliverOutbox(deps, { kinds: FEEDBACK_KINDS });
  if (item) await publishFeedbackSignal(deps, item, now);
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
export async function feedbackRecipients(
  deps: Pick<Deps, 'messenger'> & { db: DbOrTx },
  unitId: number,
): Promise<Recipient[]> {
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
 * Relays feedback of past hours to its readers (a scheduler job): the hourly batch (above) queues
 * the relays in the outbox, then the outbox sends them. Feedback waits for its hour to end, and an
 * hour's relays are queued together in random order, so neither the moment a leader receives one
 * nor any column of its outbox row says more than the hour that is stored. Returns how many
 * feedback were queued for at least one reader.
 */
export async function relayDueFeedback(deps: Deps, now: Date): Promise<number> {
  let claimed: Claimed[] = [];
  try {
    claimed = (await hourlyBatch(deps, now)).claimed;
  } catch (error) {
    deps.logger.error({ err: error }, 'held feedback could not be written; kept for the next step');
    // What is stored is still relayed, in a batch of its own.
    claimed = await deps.db.transaction((tx) => queueRelays(deps, tx, now));
  }
  // More than one batch's worth (a backlog): the rest in batches of their own.
  for (let more = claimed.length; more >= RELAY_BATCH; ) {
    const next = await deps.db.transaction((tx) => queueRelays(deps, tx, now));
    claimed.push(...next);
    more = next.length;
  }
  await deliverOutbox(deps, { kinds: FEEDBACK_KINDS });
  for (const { item } of claimed) await publishFeedbackSignal(deps, item);
  return claimed.filter((c) => c.reached).length;
}

/** A feedback claimed for relay, and whether it had anyone to read it. */
interface Claimed {
  item: FeedbackRow;
  reached: boolean;
}

/**
 * Claims stored feedback of ended hours not yet relayed and queues one outbox row per reader, in
 * the caller's transaction, shuffled (the `id` order of the rows is random), with random keys and
 * `not_before` the feedback's hour: no column holds a sender, an arrival time or an order.
 */
async function queueRelays(deps: Deps, tx: DbOrTx, now: Date): Promise<Claimed[]> {
  const due = tx
    .select({ id: feedback.id })
    .from(feedback)
    .where(and(eq(feedback.relayed, false), lt(feedback.hour, floorToHour(now))))
    .limit(RELAY_BATCH)
    .for('update', { skipLocked: true });
  const claimed = await tx
    .update(feedback)
    .set({ relayed: true })
    .where(inArray(feedback.id, due))
    .returning();
  const rows: OutboxInput[] = [];
  const result: Claimed[] = [];
  for (const item of claimed) {
    const relays = await relayRows(deps, tx, item);
    if (relays.length === 0)
      deps.logger.warn({ feedback: shortId(item.id) }, 'feedback has nobody to read it');
    result.push({ item, reached: relays.length > 0 });
    rows.push(...relays);
  }
  await enqueue(tx, shuffle(rows));
  return result;
}

/** The relay of one feedback to each of its readers, as outbox rows (at its hour, or `sentAt`). */
async function relayRows(deps: Deps, tx: DbOrTx, item: FeedbackRow, sentAt?: Date): Promise<OutboxInput[]> {
  const recipients = await feedbackRecipients({ db: tx, messenger: deps.messenger }, item.unitId);
  if (recipients.length === 0) return [];
  const unit = await findUnitById(tx, item.unitId);
  const [handle] = await tx
    .select({ id: feedbackReplyHandles.feedbackId })
    .from(feedbackReplyHandles)
    .where(eq(feedbackReplyHandles.feedbackId, item.id));
  return recipients.map((recipient) => {
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
    return {
      key: anonymousKey(FEEDBACK_RELAY),
      kind: FEEDBACK_RELAY,
      to: { user: recipient.address },
      message: { text },
      notBefore: sentAt ?? item.hour,
    };
  });
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

/**
 * Readers of feedback already relayed learn it now allows replies: queued in the hourly batch's
 * transaction, shuffled, random keys, `not_before` the hour of the step.
 */
async function queueNotices(deps: Deps, tx: DbOrTx, feedbackIds: string[], now: Date): Promise<void> {
  if (feedbackIds.length === 0) return;
  const items = await tx.select().from(feedback).where(inArray(feedback.id, feedbackIds));
  const rows: OutboxInput[] = [];
  for (const item of items) {
    for (const recipient of await feedbackRecipients({ db: tx, messenger: deps.messenger }, item.unitId)) {
      const text = translate(recipient.locale ?? deps.config.locale, 'feedback.relay.nowCanReply', {
        id: shortId(item.id),
      });
      rows.push({
        key: anonymousKey(FEEDBACK_NOTICE),
        kind: FEEDBACK_NOTICE,
        to: { user: recipient.address },
        message: { text },
        notBefore: floorToHour(now),
      });
    }
  }
  await enqueue(tx, shuffle(rows));
}

export type ReplyOutcome = 'sent' | 'no_handle' | 'undeliverable' | 'disabled';

/**
 * Sends a leader's reply to the sender through the sealed handle; the leader learns nothing about
 * them. Direct, never through the outbox: it is the answer to the leader's own command, and an
 * outbox row would store the sender's account in clear beside the feedback's id.
 */
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
