import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, directiveDeliveries, directives } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { ChatRef, Platform, SentRef } from '../../kernel/types';
import type { SendBudget } from '../../runtime/delivery/budget';
import type { LatencyGauge } from '../../runtime/delivery/outcomes';
import type { Deps } from '../../runtime/deps';
import { type DeliveryStats, deliverLedger, type LedgerAdapter } from '../../runtime/outbox/engine';
import { type LedgerQueue, ledgerQueue } from '../../runtime/outbox/store';
import { directiveMessage } from './message';

export interface DeliveryOptions {
  /** Who claims rows: unique per process. */
  worker: string;
  /** The process's send budget, shared with interactive replies; `budgetOf(deps)` by default. */
  budget?: SendBudget;
  leaseMs: number;
  /** Sends in flight at once; by default it follows the platform's latency (see `LatencyGauge`). */
  concurrency?: number;
  /** Send latency measured across ticks (the tick keeps one); a fresh one otherwise. */
  latency?: LatencyGauge;
  /** Temporary failures are retried this many times, then the row is failed. */
  maxAttempts?: number;
  /** Stops after the sends in flight; rows claimed but not sent go back to pending at once. */
  signal?: AbortSignal;
  /** Runs again at the ledger's next due moment (the tick: a dead process's rows once their lease ends). */
  wake?: () => Promise<unknown>;
}

export type { DeliveryStats };

type DeliveryRow = typeof directiveDeliveries.$inferSelect & {
  chat: ChatRef;
  directive: typeof directives.$inferSelect;
};

const LEDGER = 'directive_deliveries';

/** The directive ledger as the delivery engine sees it: each row one post or reminder. */
function directiveLedger(deps: Deps, options: DeliveryOptions): LedgerAdapter<DeliveryRow, SentRef> {
  return {
    name: LEDGER,
    table: { table: LEDGER, due: 'next_attempt_at', error: 'last_error', claimedBy: 'claimed_by' },
    maxAttempts: options.maxAttempts ?? 8,
    // About one second of sending per claim (more on a slow platform, so enough are in flight):
    // processes interleave, and few rows wait under one lease.
    batch: (inFlight, perSecond) => Math.max(10, Math.min(400, Math.max(Math.round(perSecond), inFlight))),
    load: (ids) => loadRows(deps, ids),
    send: async (row, pace) => {
      if (row.directive.cancelledAt)
        return {
          skipped: true,
          write: () =>
            deps.db
              .update(directiveDeliveries)
              .set({ status: 'skipped', lastError: 'cancelled' })
              .where(eq(directiveDeliveries.id, row.id)),
        };
      const { chat } = row;
      if (!deps.messenger.has(chat.platform))
        throw new DeliveryError(`no messenger for ${chat.platform}`, true);
      const message = directiveMessage(row.directive, deps.config.locale, row.kind);
      return pace(chat, () => deps.messenger.send(chat, { ...message, bulk: true }));
    },
    markSent: (row, sent) =>
      deps.db
        .update(directiveDeliveries)
        .set({ status: 'sent', sentAt: deps.clock.now(), platformMessageId: sent.messageId, lastError: null })
        .where(eq(directiveDeliveries.id, row.id)),
  };
}

/**
 * Sends what is due in the ledger until nothing is left, through the delivery engine: claims a
 * batch (FOR UPDATE SKIP LOCKED, status 'sending'), sends within the rate limits, marks each row
 * sent or failed. A row left in 'sending' by a crashed process is taken over once its lease has
 * expired; while this process sends, a heartbeat keeps its leases fresh.
 */
export function deliverDue(deps: Deps, options: DeliveryOptions): Promise<DeliveryStats> {
  return deliverLedger(deps, directiveLedger(deps, options), options);
}

/** The claimed rows with their directive and where each goes (a group's chat, or the DM account fixed when written). */
async function loadRows(deps: Deps, ids: number[]): Promise<DeliveryRow[]> {
  const rows = await deps.db
    .select()
    .from(directiveDeliveries)
    .where(inArray(directiveDeliveries.id, ids))
    .orderBy(asc(directiveDeliveries.nextAttemptAt), asc(directiveDeliveries.id));
  const chatIds = [...new Set(rows.flatMap((row) => (row.chatId === null ? [] : [row.chatId])))];
  const chatRows =
    chatIds.length === 0
      ? []
      : await deps.db
          .select({ id: chats.id, platform: chats.platform, externalId: chats.externalId })
          .from(chats)
          .where(inArray(chats.id, chatIds));
  const chatsById = new Map(chatRows.map((chat) => [chat.id, chat]));
  const directiveRows = await deps.db
    .select()
    .from(directives)
    .where(inArray(directives.id, [...new Set(rows.map((row) => row.directiveId))]));
  const directivesById = new Map(directiveRows.map((directive) => [directive.id, directive]));
  return rows.map((row) => ({
    ...row,
    chat: recipientOf(row, chatsById),
    directive: directivesById.get(row.directiveId)!,
  }));
}

/** A group row goes to its chat; a DM row to the account fixed when it was written. */
function recipientOf(
  row: typeof directiveDeliveries.$inferSelect,
  chatsById: Map<number, { platform: Platform; externalId: string }>,
): ChatRef {
  if (row.chatId === null) {
    return { platform: row.dmPlatform!, externalId: row.dmExternalId!, kind: 'dm' };
  }
  const chat = chatsById.get(row.chatId)!;
  return { platform: chat.platform, externalId: chat.externalId, kind: 'group' };
}

/** What the directive ledger has not sent yet (for /outbox): its own ledger, sharing outcomes, leases and the limiter. */
export function directiveQueue(db: DbOrTx): Promise<LedgerQueue> {
  return ledgerQueue(db, {
    table: 'directive_deliveries',
    kind: "'directive_' || kind",
    error: 'last_error',
  });
}
