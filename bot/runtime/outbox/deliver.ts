import { eq, inArray } from 'drizzle-orm';
import { outbox } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { ChatRef, QueuedMessage, SentRef } from '../../kernel/types';
import type { SendBudget } from '../delivery/budget';
import { LatencyGauge } from '../delivery/outcomes';
import type { Deps } from '../deps';
import { type DeliveryStats, deliverLedger, type LedgerAdapter } from './engine';
import { type OutboxRow, outgoingFileOf } from './store';
/** The ledger's name in the outcome book (`Deps.deliveries`). */
export const OUTBOX_LEDGER = 'outbox';
export const OUTBOX_MAX_ATTEMPTS = 5;

export interface OutboxOptions {
  /** Only these kinds (a feature delivering what it just queued); all by default. */
  kinds?: readonly string[];
  /** Failures other than a rate limit are retried this many times in all, then the row is failed. */
  maxAttempts?: number;
  /** The process's send budget; `budgetOf(deps)` by default. */
  budget?: SendBudget;
  /** Stops after the sends in flight; rows claimed but not sent go back to pending. */
  signal?: AbortSignal;
  /** Sends in flight at once (1: one after the other, so a cancellation stops the rest); by latency otherwise. */
  concurrency?: number;
  /** Send latency measured across runs (the job keeps one). */
  latency?: LatencyGauge;
  /** Runs again at the next due moment (the job: a dead process's rows as soon as their lease ends). */
  wake?: boolean;
}

export type OutboxStats = DeliveryStats;

const volatile = new WeakMap<object, Map<string, QueuedMessage>>();

/**
 * A richer version of a queued message that must not be stored (a hot-spot alert's masked excerpt):
 * kept in this process's memory only, and sent instead of the stored payload if this process sends
 * the row. Another process, or this one after a restart, sends the stored version.
 */
export function holdVolatile(deps: Pick<Deps, 'signals'>, key: string, message: QueuedMessage): void {
  let held = volatile.get(deps.signals);
  if (!held) {
    held = new Map();
    volatile.set(deps.signals, held);
  }
  held.set(key, message);
}

function takeVolatile(deps: Pick<Deps, 'signals'>, key: string, remove: boolean) {
  const held = volatile.get(deps.signals);
  const message = held?.get(key);
  if (remove) held?.delete(key);
  return message;
}

/** The outbox as a ledger of the delivery engine: its rows, how one is sent, what a sent one keeps. */
function outboxLedger(deps: Deps, options: OutboxOptions): LedgerAdapter<OutboxRow, SentRef | undefined> {
  return {
    name: OUTBOX_LEDGER,
    table: { table: 'outbox', due: 'not_before', error: 'last_error' },
    where: options.kinds ? inArray(outbox.kind, [...options.kinds]) : undefined,
    maxAttempts: options.maxAttempts ?? OUTBOX_MAX_ATTEMPTS,
    load: async (ids) =>
      (await deps.db.select().from(outbox).where(inArray(outbox.id, ids))).sort(
        (a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id,
      ),
    send: async (row, pace) => {
      // Cancelled since it was claimed (an incident acknowledged meanwhile): not sent.
      const [current] = await deps.db
        .select({ status: outbox.status })
        .from(outbox)
        .where(eq(outbox.id, row.id));
      if (current?.status === 'cancelled') return { skipped: true };
      if (!deps.messenger.has(row.platform))
        throw new DeliveryError(`no messenger for ${row.platform}`, true);
      const { file, ...message } = { ...(takeVolatile(deps, row.key, false) ?? row.payload), bulk: true };
      const chat = chatOf(row);
      const documents = deps.messenger.for(row.platform);
      const sent = await pace(chat, async () => {
        if (row.op === 'edit') {
          await deps.messenger.edit({ chat, messageId: row.messageId! }, message);
          return undefined;
        }
        // A document where the platform takes files; elsewhere its caption, as a message.
        if (file && documents.capabilities.files && documents.sendFile)
          return documents.sendFile(chat, { ...outgoingFileOf({ ...message, file }), bulk: true });
        if (row.target === 'user')
          return deps.messenger.sendDm({ platform: row.platform, externalId: row.externalId }, message);
        return deps.messenger.send(chat, message);
      });
      takeVolatile(deps, row.key, true);
      return sent;
    },
    markSent: (row, sent) =>
      deps.db
        .update(outbox)
        .set({
          status: 'sent',
          lastError: null,
          sentChatId: sent?.chat.externalId ?? row.externalId,
          sentMessageId: sent?.messageId ?? row.messageId,
        })
        .where(eq(outbox.id, row.id)),
    markFailed: async (row, reason) => {
      takeVolatile(deps, row.key, true);
      await deps.db.update(outbox).set({ status: 'failed', lastError: reason }).where(eq(outbox.id, row.id));
    },
  };
}

/**
 * Sends what is due in the outbox until nothing due is left, through the delivery engine
 * (`engine.ts`): claimed with FOR UPDATE SKIP LOCKED under a lease, paced by the process's one
 * send budget (bulk lane: replies to a person's own command go first) and the shared buckets,
 * marked through the outcome book; a 429 moves the row by the platform's retry_after without
 * using up an attempt, other temporary failures back off up to `maxAttempts`.
 */
export function deliverOutbox(deps: Deps, options: OutboxOptions = {}): Promise<OutboxStats> {
  return deliverLedger(deps, outboxLedger(deps, options), {
    budget: options.budget,
    signal: options.signal,
    concurrency: options.concurrency,
    latency: options.latency,
    wake: options.wake ? () => deliverOutbox(deps, options) : undefined,
  });
}

function chatOf(row: OutboxRow): ChatRef {
  return {
    platform: row.platform,
    externalId: row.externalId,
    kind: row.target === 'group' ? 'group' : 'dm',
  };
}

/** The outbox's scheduler job: every 5 seconds, whatever is due (features also deliver what they just queued). */
export function outboxJob(deps: Deps, stopping?: AbortSignal) {
  const latency = new LatencyGauge();
  return {
    name: 'outbox',
    cron: '*/5 * * * * *',
    run: async () => void (await deliverOutbox(deps, { signal: stopping, latency, wake: true })),
  };
}
