import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { feedback, feedbackReplyHandles, identities, people, roles } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { Locale } from '../../kernel/i18n';
import { isLocale } from '../../kernel/i18n';
import type { HeldRole } from '../../kernel/roles';
import { floorToHour, formatDateTime } from '../../kernel/time';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { dmAccounts, findUnitById, unitChain } from '../org';
import { openAddress, type ReplyAddress, sealAddress } from './seal';

export type FeedbackRow = typeof feedback.$inferSelect;

export const FEEDBACK_PER_HOUR = 5;
export const MAX_FEEDBACK_LENGTH = 3000;
export const REPLY_HANDLE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
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
 * Stores feedback with its unit, text and hour — nothing about the sender. Its hot-spot signal is
 * published at the hourly relay, with the hour's other feedback, never at the moment it arrives
 * (an incident opened then would show the leader when it was sent).
 */
export async function submitFeedback(
  deps: Deps,
  input: { unitId: number; text: string; now: Date },
): Promise<FeedbackRow> {
  const text = input.text.normalize('NFC').trim();
  const hour = floorToHour(input.now);
  const [row] = await deps.db.insert(feedback).values({ unitId: input.unitId, text, hour }).returning();
  return row!;
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
  for (const item of claimed) {
    const recipients = await feedbackRecipients(deps, item.unitId);
    if (recipients.length === 0) {
      deps.logger.warn({ feedback: shortId(item.id) }, 'feedback has nobody to read it');
      await publishFeedbackSignal(deps, item);
      continue;
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
          hour: formatDateTime(item.hour, deps.config.timezone),
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
    if (delivered > 0) relayed++;
    else if (retry) {
      await db.update(feedback).set({ relayed: false }).where(eq(feedback.id, item.id));
      continue;
    }
    await publishFeedbackSignal(deps, item);
  }
  return relayed;
}

/** Published once, when the hour has ended: hot spots learn no finer time than the relay. */
async function publishFeedbackSignal(deps: Deps, item: FeedbackRow): Promise<void> {
  await deps.signals.publish({
    text: item.text,
    source: 'feedback',
    unitId: item.unitId,
    chatId: null,
    at: item.hour,
  });
}

export type AllowRepliesOutcome = 'allowed' | 'already' | 'expired' | 'unknown' | 'disabled';

/**
 * Keeps a sealed way back to the sender, on their explicit request only, until 30 days after the
 * feedback's hour. The expiry is derived from the stored hour, so it adds no finer time.
 */
export async function allowReplies(
  deps: Deps,
  feedbackId: string,
  address: ReplyAddress,
  now: Date,
): Promise<AllowRepliesOutcome> {
  const secret = deps.config.secret;
  if (!secret) return 'disabled';
  const [item] = await deps.db.select().from(feedback).where(eq(feedback.id, feedbackId));
  if (!item) return 'unknown';
  const expiresAt = new Date(item.hour.getTime() + REPLY_HANDLE_DAYS * DAY_MS);
  if (expiresAt <= now) return 'expired';
  const inserted = await deps.db
    .insert(feedbackReplyHandles)
    .values({ feedbackId, sealed: sealAddress(secret, feedbackId, address), expiresAt })
    .onConflictDoNothing()
    .returning({ id: feedbackReplyHandles.feedbackId });
  if (inserted.length === 0) return 'already';
  if (item.relayed) await notifyRepliesAllowed(deps, item);
  return 'allowed';
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
  const [person] = await deps.db
    .select({ locale: people.locale })
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.platform, address.platform), eq(identities.externalId, address.externalId)));
  const locale: Locale =
    person?.locale === 'en' || person?.locale === 'vi' ? person.locale : deps.config.locale;
  try {
    await deps.messenger.sendDm(address, {
      text: translate(locale, 'feedback.reply.received', {
        id: shortId(item.id),
        unit: input.unitName,
        text: input.text.normalize('NFC').trim(),
      }),
    });
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
