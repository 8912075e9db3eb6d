import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, directiveDeliveries, directives } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { ChatRef, Platform } from '../../kernel/types';
import { budgetOf, type SendBudget } from '../../runtime/delivery/budget';
import {
  type DeliveryOutcomes,
  LatencyGauge,
  Leases,
  outcomesOf,
  runAdaptive,
} from '../../runtime/delivery/outcomes';
import { sendPaced } from '../../runtime/delivery/paced';
import type { Deps } from '../../runtime/deps';
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
}

export interface DeliveryStats {
  sent: number;
  failed: number;
  retrying: number;
}

type DeliveryRow = typeof directiveDeliveries.$inferSelect;

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 10 * 60_000;

/**
 * Sends what is due in the ledger until nothing is left: claims a batch (FOR UPDATE SKIP LOCKED,
 * status 'sending'), sends within the rate limits, marks each row sent or failed. A row left in
 * 'sending' by a crashed process is taken over once its lease has expired; while this process
 * sends, a heartbeat keeps its leases fresh.
 */
export async function deliverDue(deps: Deps, options: DeliveryOptions): Promise<DeliveryStats> {
  const stats: DeliveryStats = { sent: 0, failed: 0, retrying: 0 };
  const outcomes = outcomesOf(deps);
  const latency = options.latency ?? new LatencyGauge();
  const budget = options.budget ?? budgetOf(deps);
  const { global } = deps.config.directives.rates;
  const perSecond = (global.count * 1000) / global.perMs;
  const leases = new Leases({
    ledger: LEDGER,
    everyMs: options.leaseMs / 3,
    outcomes,
    logger: deps.logger,
    renew: () => renewLeases(deps, options.worker),
  });
  // Outcomes kept while the database was away are written before anything is claimed again.
  await outcomes.reconcile(LEDGER);
  try {
    while (!options.signal?.aborted) {
      // About one second of sending per claim (more on a slow platform, so enough are in flight):
      // processes interleave, and few rows wait under one lease.
      const inFlight = options.concurrency ?? latency.inFlight(perSecond);
      const batchSize = Math.max(10, Math.min(400, Math.max(Math.round(perSecond), inFlight)));
      const batch = await claimBatch(deps, options, batchSize);
      if (batch.length === 0) break;
      leases.hold(batch.map((row) => row.id));
      await sendBatch(deps, { ...options, budget, latency, outcomes, leases }, batch, stats);
    }
  } finally {
    leases.stop();
  }
  return stats;
}

const LEDGER = 'directive_deliveries';

type SendOptions = DeliveryOptions & {
  budget: SendBudget;
  latency: LatencyGauge;
  outcomes: DeliveryOutcomes;
  leases: Leases;
};

async function claimBatch(deps: Deps, options: DeliveryOptions, size: number): Promise<DeliveryRow[]> {
  const now = deps.clock.now();
  const expired = new Date(now.getTime() - options.leaseMs);
  const due = deps.db
    .select({ id: directiveDeliveries.id })
    .from(directiveDeliveries)
    .where(
      or(
        and(eq(directiveDeliveries.status, 'pending'), lte(directiveDeliveries.nextAttemptAt, now)),
        and(eq(directiveDeliveries.status, 'sending'), lt(directiveDeliveries.claimedAt, expired)),
      ),
    )
    .orderBy(asc(directiveDeliveries.nextAttemptAt), asc(directiveDeliveries.id))
    .limit(size)
    .for('update', { skipLocked: true });
  return deps.db
    .update(directiveDeliveries)
    .set({
      status: 'sending',
      claimedBy: options.worker,
      claimedAt: now,
      attempts: sql`${directiveDeliveries.attempts} + 1`,
    })
    .where(inArray(directiveDeliveries.id, due))
    .returning();
}

async function renewLeases(deps: Deps, worker: string): Promise<void> {
  await deps.db
    .update(directiveDeliveries)
    .set({ claimedAt: deps.clock.now() })
    .where(and(eq(directiveDeliveries.claimedBy, worker), eq(directiveDeliveries.status, 'sending')));
}

async function sendBatch(deps: Deps, options: SendOptions, batch: DeliveryRow[], stats: DeliveryStats) {
  const chatIds = [...new Set(batch.flatMap((row) => (row.chatId === null ? [] : [row.chatId])))];
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
    .where(inArray(directives.id, [...new Set(batch.map((row) => row.directiveId))]));
  const directivesById = new Map(directiveRows.map((directive) => [directive.id, directive]));

  const { global } = deps.config.directives.rates;
  const perSecond = (global.count * 1000) / global.perMs;
  const left = await runAdaptive(
    batch,
    async (row) => {
      // Sent (or failed) before, its mark kept in memory: written now, never sent twice.
      if (await options.outcomes.settle(LEDGER, row.id)) return options.leases.release(row.id);
      const directive = directivesById.get(row.directiveId)!;
      if (directive.cancelledAt) {
        await record(deps, options, row.id, { status: 'skipped', lastError: 'cancelled' });
        return;
      }
      const ref = recipientOf(row, chatsById);
      await sendOne(
        deps,
        options,
        row,
        ref,
        directiveMessage(directive, deps.config.locale, row.kind),
        stats,
      );
    },
    () => options.concurrency ?? options.latency.inFlight(perSecond),
    () => options.signal?.aborted === true,
  );
  if (left.length > 0) await release(deps, options.worker, left);
}

/** A group row goes to its chat; a DM row to the account fixed when it was written. */
function recipientOf(
  row: DeliveryRow,
  chatsById: Map<number, { platform: Platform; externalId: string }>,
): ChatRef {
  if (row.chatId === null) {
    return { platform: row.dmPlatform!, externalId: row.dmExternalId!, kind: 'dm' };
  }
  const chat = chatsById.get(row.chatId)!;
  return { platform: chat.platform, externalId: chat.externalId, kind: 'group' };
}

/** Claimed rows this process will not send (it is stopping): back to pending, the attempt not counted. */
async function release(deps: Deps, worker: string, rows: DeliveryRow[]) {
  await deps.db
    .update(directiveDeliveries)
    .set({ status: 'pending', attempts: sql`${directiveDeliveries.attempts} - 1`, claimedAt: null })
    .where(
      and(
        inArray(
          directiveDeliveries.id,
          rows.map((row) => row.id),
        ),
        eq(directiveDeliveries.status, 'sending'),
        eq(directiveDeliveries.claimedBy, worker),
      ),
    );
}

async function sendOne(
  deps: Deps,
  options: SendOptions,
  row: DeliveryRow,
  chat: ChatRef,
  message: ReturnType<typeof directiveMessage>,
  stats: DeliveryStats,
) {
  try {
    if (!deps.messenger.has(chat.platform))
      throw new DeliveryError(`no messenger for ${chat.platform}`, true);
    const sent = await sendPaced(deps, chat, () => deps.messenger.send(chat, { ...message, bulk: true }), {
      budget: options.budget,
      latency: options.latency,
    });
    stats.sent++;
    // From here the message is out: a failing mark is retried, then kept, never a reason to resend.
    await record(deps, options, row.id, {
      status: 'sent',
      sentAt: deps.clock.now(),
      platformMessageId: sent.messageId,
      lastError: null,
    });
    return;
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
    const giveUp = failure.permanent || row.attempts >= (options.maxAttempts ?? 8);
    const description = failure.message.slice(0, 300);
    deps.logger.warn(
      { directive: row.directiveId, delivery: row.id, permanent: failure.permanent, attempt: row.attempts },
      'directive send failed',
    );
    if (giveUp) {
      await record(deps, options, row.id, {
        status: 'failed',
        lastError: failure.permanent ? description : `gave up after ${row.attempts} attempts: ${description}`,
      });
      stats.failed++;
      return;
    }
    const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (row.attempts - 1), BACKOFF_MAX_MS);
    const wait = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
    stats.retrying++;
    await record(deps, options, row.id, {
      status: 'pending',
      lastError: description,
      nextAttemptAt: new Date(deps.clock.now().getTime() + wait),
    });
  }
}

/** Writes a row's outcome through the outcome book; the lease is let go once it is written. */
async function record(
  deps: Deps,
  options: SendOptions,
  id: number,
  values: Partial<typeof directiveDeliveries.$inferInsert>,
) {
  const written = await options.outcomes.record(LEDGER, id, () =>
    deps.db.update(directiveDeliveries).set(values).where(eq(directiveDeliveries.id, id)),
  );
  if (written) options.leases.release(id);
}

/** What the directive ledger has not sent yet (for /outbox): its own ledger, sharing outcomes, leases and the limiter. */
export function directiveQueue(db: DbOrTx): Promise<LedgerQueue> {
  return ledgerQueue(db, {
    table: 'directive_deliveries',
    kind: "'directive_' || kind",
    error: 'last_error',
  });
}
