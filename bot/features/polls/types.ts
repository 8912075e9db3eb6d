import type { pollDeliveries, pollSeries, polls } from '../../../db/schema';
import type { ChatRef } from '../../kernel/types';

export type PollRow = typeof polls.$inferSelect;
export type PollSeriesRow = typeof pollSeries.$inferSelect;
export type DeliveryRow = typeof pollDeliveries.$inferSelect;
export type PollKind = PollRow['kind'];

/** The 1–5 pulse: labels shown on the buttons, worst to best. */
export const SCALE_EMOJI = ['😞', '🙁', '😐', '🙂', '😀'] as const;

export const MAX_OPTIONS = 10;
export const MIN_OPTIONS = 2;
export const MAX_QUESTION_LENGTH = 300;
export const MAX_OPTION_LENGTH = 100;
export const MAX_COMMENT_LENGTH = 2000;
/** A poll stays open at most this long. */
export const MAX_OPEN_MS = 90 * 24 * 60 * 60 * 1000;
export const DEFAULT_OPEN_MS = 24 * 60 * 60 * 1000;
/** Groups are reminded this long before closing, when the poll is open at least twice as long. */
export const REMINDER_BEFORE_MS = 3 * 60 * 60 * 1000;

/** Button data prefixes (Telegram callback_data ≤ 64 bytes: "pa:123456:9" is far below). */
export const ANSWER_PREFIX = 'pa';
/** Start payload of the "add a comment" button: opens the DM with the bot. */
export const COMMENT_START_PREFIX = 'cmt-';
/** /start poll-ID in a DM: the poll offered there, for a group whose answers would be seen (Zalo OA). */
export const ANSWER_START_PREFIX = 'poll-';

/** The chat a delivery row was (or will be) sent to. */
export function deliveryChat(row: Pick<DeliveryRow, 'platform' | 'chatExternalId' | 'chatKind'>): ChatRef {
  return { platform: row.platform, externalId: row.chatExternalId, kind: row.chatKind };
}
