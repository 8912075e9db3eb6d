import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { outbox } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import type { ChatRef, OutgoingMessage, SentRef } from '../../kernel/types';
import { budgetOf, type SendBudget } from '../delivery/budget';
import { type DeliveryOutcomes, LatencyGauge, Leases, outcomesOf, runAdaptive } from '../delivery/outcomes';
import { sharedRateOf } from '../delivery/shared-rate';
import type { Deps } from '../deps';
import type { OutboxRow } from './store';

/** The ledger's name in the outcome book (`Deps.deliveries`). */
export const OUTBOX_LEDGER = 'outbox';
const BATCH = 100;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 10 * 60_000;
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
}

export interface OutboxStats {
  sent: number;
  failed: number;
  retrying: number;
}

const volatile = new WeakMap<object, Map<string, OutgoingMessage>>();

/**
 * A richer version of a queued message that must not be stored (a hot-spot alert's masked excerpt):
 * kept in this process's memory only, and sent instead of the stored payload if this process sends
 * the row. Another process, or this one after a restart, sends the stored version.
 */
export function holdVolatile(deps: Pick<Deps, 'signals'>, key: string, message: OutgoingMessage): void {
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

interface Run {
  deps: Deps;
  budget: SendBudget;
  outcomes: DeliveryOutcomes;
  leases: Leases;
  latency: LatencyGauge;
  maxAttempts: number;
  stats: OutboxStats;
}

/**
 * Sends what is due in the outbox until nothing due is left: claims a batch (FOR UPDATE SKIP
 * LOCKED, status `sending`, the lease in `claimed_at`, renewed while this process sends), sends each
 * paced by the process's send budget (bulk lane: replies to a person's own command go first) and,
 * where processes share a database, the shared send buckets; marks each through the outcome book
 * (a mark that cannot be written is kept in memory and written later, never a reason to resend).
 * A rate limit moves the row's `not_before` by the platform's retry_after and pauses the platform,
 * without using up an attempt; other temporary failures back off, up to `maxAttempts`.
 */
export async function deliverOutbox(deps: Deps, options: OutboxOptions = {}): Promise<OutboxStats> {
  const outcomes = outcomesOf(deps);
  const leaseMs = deps.config.directives.leaseMs;
  const run: Run = {
    deps,
    budget: options.budget ?? budgetOf(deps),
    outcomes,
    latency: new LatencyGauge(),
    maxAttempts: options.maxAttempts ?? OUTBOX_MAX_ATTEMPTS,
    stats: { sent: 0, failed: 0, retrying: 0 },
    leases: new Leases({
      ledger: OUTBOX_LEDGER,
      everyMs: leaseMs / 3,
      outcomes,
      logger: deps.logger,
      renew: (ids) =>
        deps.db
          .update(outbox)
          .set({ claimedAt: deps.clock.now() })
          .where(and(inArray(outbox.id, ids), eq(outbox.status, 'sending'))),
    }),
  };
  await outcomes.reconcile(OUTBOX_LEDGER);
  const { global } = deps.config.directives.rates;
  const perSecond = (global.count * 1000) / global.perMs;
  try {
    while (!options.signal?.aborted) {
      const batch = await claim(deps, options.kinds, leaseMs);
      if (batch.length === 0) break;
      run.leases.hold(batch.map((row) => row.id));
      const left = await runAdaptive(
        batch,
        (row) => sendOne(run, row),
        () => options.concurrency ?? run.latency.inFlight(perSecond),
        () => options.signal?.aborted === true,
      );
      if (left.length > 0) await release(deps, left);
      if (batch.length < BATCH) break;
    }
  } finally {
    run.leases.stop();
  }
  return run.stats;
}

async function claim(deps: Deps, kinds: readonly string[] | undefined, leaseMs: number) {
  const now = deps.clock.now();
  const due = deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        or(
          and(eq(outbox.status, 'pending'), lte(outbox.notBefore, now)),
          and(eq(outbox.status, 'sending'), lt(outbox.claimedAt, new Date(now.getTime() - leaseMs))),
        ),
        kinds ? inArray(outbox.kind, [...kinds]) : undefined,
      ),
    )
    .orderBy(asc(outbox.notBefore), asc(outbox.id))
    .limit(BATCH)
    .for('update', { skipLocked: true });
  const rows = await deps.db
    .update(outbox)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.id, due))
    .returning();
  return rows.sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id);
}

/** Claimed rows this process will not send (it is stopping): back to pending, the attempt not counted. */
async function release(deps: Deps, rows: OutboxRow[]) {
  await deps.db
    .update(outbox)
    .set({ status: 'pending', attempts: sql`${outbox.attempts} - 1`, claimedAt: null })
    .where(
      and(
        inArray(
          outbox.id,
          rows.map((row) => row.id),
        ),
        eq(outbox.status, 'sending'),
      ),
    );
}

function chatOf(row: OutboxRow): ChatRef {
  return {
    platform: row.platform,
    externalId: row.externalId,
    kind: row.target === 'group' ? 'group' : 'dm',
  };
}

async function sendOne(run: Run, row: OutboxRow): Promise<void> {
  const { deps } = run;
  // Sent before, its mark kept in memory while the database was away: written now, not resent.
  if (await run.outcomes.settle(OUTBOX_LEDGER, row.id)) return run.leases.release(row.id);
  // Cancelled since it was claimed (an incident acknowledged meanwhile): not sent.
  const [current] = await deps.db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, row.id));
  if (current?.status === 'cancelled') return run.leases.release(row.id);
  try {
    if (!deps.messenger.has(row.platform)) throw new DeliveryError(`no messenger for ${row.platform}`, true);
    const message = takeVolatile(deps, row.key, false) ?? row.payload;
    const started = performance.now();
    const sent = await sendPaced(run, row, { ...message, bulk: true });
    run.latency.observe(performance.now() - started);
    run.stats.sent++;
    takeVolatile(deps, row.key, true);
    // From here the message is out: a failing mark is retried, then kept, never a reason to resend.
    await record(run, row.id, {
      status: 'sent',
      lastError: null,
      sentChatId: sent?.chat.externalId ?? row.externalId,
      sentMessageId: sent?.messageId ?? row.messageId,
    });
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
    const description = failure.message.slice(0, 300);
    const now = deps.clock.now().getTime();
    deps.logger.warn(
      { outbox: row.id, kind: row.kind, attempt: row.attempts, permanent: failure.permanent },
      'outbox send failed',
    );
    if (!failure.permanent && failure.retryAfterSeconds !== undefined) {
      // A rate limit is not the message's fault: the platform says when, and the attempt is given back.
      const ms = Math.max(0, failure.retryAfterSeconds) * 1000;
      run.budget.pause(row.platform, ms);
      await sharedRateOf(deps)
        ?.pause(row.platform, ms)
        .catch(() => {});
      run.stats.retrying++;
      await record(run, row.id, {
        status: 'pending',
        attempts: Math.max(0, row.attempts - 1),
        notBefore: new Date(now + ms),
        lastError: `rate limited: retry after ${failure.retryAfterSeconds}s`,
      });
      return;
    }
    if (failure.permanent || row.attempts >= run.maxAttempts) {
      takeVolatile(deps, row.key, true);
      run.stats.failed++;
      await record(run, row.id, {
        status: 'failed',
        lastError: failure.permanent ? description : `gave up after ${row.attempts} attempts: ${description}`,
      });
      return;
    }
    run.stats.retrying++;
    await record(run, row.id, {
      status: 'pending',
      lastError: description,
      notBefore: new Date(now + Math.min(BACKOFF_BASE_MS * 2 ** (row.attempts - 1), BACKOFF_MAX_MS)),
    });
  }
}

/** One send (or edit) under the process's budget and, across processes, the shared buckets. */
async function sendPaced(run: Run, row: OutboxRow, message: OutgoingMessage): Promise<SentRef | undefined> {
  const { deps } = run;
  const chat = chatOf(row);
  const done = await run.budget.acquire(chat, 'bulk');
  try {
    await sharedRateOf(deps)?.reserve(chat);
    if (row.op === 'edit') {
      await deps.messenger.edit({ chat, messageId: row.messageId! }, message);
      return undefined;
    }
    if (row.target === 'user')
      return await deps.messenger.sendDm({ platform: row.platform, externalId: row.externalId }, message);
    return await deps.messenger.send(chat, message);
  } finally {
    done();
  }
}

/** Writes a row's outcome through the outcome book; the lease is let go once it is written. */
async function record(run: Run, id: number, values: Partial<typeof outbox.$inferInsert>): Promise<void> {
  const written = await run.outcomes.record(OUTBOX_LEDGER, id, () =>
    run.deps.db.update(outbox).set(values).where(eq(outbox.id, id)),
  );
  if (written) run.leases.release(id);
}

/** The outbox's scheduler job: every 5 seconds, whatever is due (features also deliver what they just queued). */
export function outboxJob(deps: Deps, stopping?: AbortSignal) {
  return {
    name: 'outbox',
    cron: '*/5 * * * * *',
    run: async () => void (await deliverOutbox(deps, { signal: stopping })),
  };
}
