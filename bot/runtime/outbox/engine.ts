import type { SQL } from 'drizzle-orm';
import { DeliveryError } from '../../kernel/errors';
import type { ChatRef } from '../../kernel/types';
import { budgetOf, type SendBudget } from '../delivery/budget';
import { LatencyGauge, Leases, outcomesOf, runAdaptive } from '../delivery/outcomes';
import { sendPaced } from '../delivery/paced';
import { sharedRateOf } from '../delivery/shared-rate';
import type { Deps } from '../deps';
import {
  claimLedger,
  failLedger,
  type LedgerTable,
  nextDueOf,
  type Release,
  releaseLedger,
  renewLedger,
} from './ledger-sql';

/** Every message of a ledger row goes through this: the process's one pacer (see `sendPaced`). */
export type Pace = <T>(chat: ChatRef, send: () => Promise<T>) => Promise<T>;

/** A row the adapter decided not to send (cancelled meanwhile): `write` records it, if anything. */
export interface Skipped {
  skipped: true;
  write?: () => Promise<unknown>;
}

/**
 * One delivery ledger as the engine sees it. The claim, renewal, release and failure SQL is the
 * engine's (`ledger-sql.ts`, over the columns all ledgers share); the adapter loads its claimed
 * rows, sends one (each message through `pace`) and writes what a sent row keeps.
 */
export interface LedgerAdapter<Row extends { id: number; attempts: number }, Sent> {
  /** Its name in the outcome book (`Deps.deliveries`) and the logs. */
  name: string;
  table: LedgerTable;
  /** Only some of its rows (one poll's, some kinds). */
  where?: SQL;
  /** Rows per claim: about one second of sending, so processes interleave (default 100). */
  batch?: (inFlight: number, perSecond: number) => number;
  /** Temporary failures are retried this many times in all, then the row is failed. */
  maxAttempts: number;
  /** Sends in flight at once, when the ledger needs it (a report is collected, then sent: 1). */
  concurrency?: number;
  /** The claimed rows by id, with whatever the sends need (their chats, their directive). */
  load(ids: number[]): Promise<Row[]>;
  send(row: Row, pace: Pace): Promise<Sent | Skipped>;
  markSent(row: Row, sent: Sent): Promise<unknown>;
  /** Default: status failed, the reason in the ledger's error column. */
  markFailed?(row: Row, reason: string): Promise<unknown>;
}

export interface EngineOptions {
  /** Who claims (the ledger's `claimed_by`, where it has one). */
  worker?: string;
  leaseMs?: number;
  /** The process's send budget; `budgetOf(deps)` by default. */
  budget?: SendBudget;
  /** Send latency measured across runs; a fresh gauge otherwise. */
  latency?: LatencyGauge;
  /** Sends in flight at once (1: one after the other); by latency otherwise. */
  concurrency?: number;
  /** Stops after the sends in flight; rows claimed but not sent go back to pending at once. */
  signal?: AbortSignal;
  /** One claim only (a command that answers with how many went; the job sends the rest). */
  once?: boolean;
  /**
   * Run again (this function) at the ledger's next due moment — the earliest `not_before`, or the
   * earliest lease end of rows another process holds — instead of waiting for the next tick.
   */
  wake?: () => Promise<unknown>;
}

export interface DeliveryStats {
  sent: number;
  failed: number;
  retrying: number;
}

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 10 * 60_000;
/** A 429's retry_after up to this pauses every send to the platform; a longer one only moves the row. */
const PAUSE_MAX_SECONDS = 30;
/** A wake further off than this is left to the tick. */
const WAKE_MAX_MS = 60_000;
const WAKE_MIN_MS = 50;

/** Rows of ledgers without a due column, held back in this process until then (id → ms). */
const heldBack = new WeakMap<object, Map<string, Map<number, number>>>();
const wakers = new WeakMap<object, Map<string, ReturnType<typeof setTimeout>>>();

/** The entry of `key` in a per-process map, created when missing. */
function entryOf<K extends object | string, V>(
  map: Map<K, V> | WeakMap<K & object, V>,
  key: K,
  make: () => V,
): V {
  let value = map.get(key as K & object);
  if (value === undefined) {
    value = make();
    map.set(key as K & object, value);
  }
  return value;
}

function heldOf(deps: Pick<Deps, 'signals'>, ledger: string): Map<number, number> {
  const byLedger = entryOf(heldBack, deps.signals, () => new Map<string, Map<number, number>>());
  return entryOf(byLedger, ledger, () => new Map<number, number>());
}

/**
 * Sends what is due in one ledger until nothing due is left: claims a batch (FOR UPDATE SKIP
 * LOCKED, including rows whose lease ran out), holds their leases while sending, sends each through
 * the process's one pacer (`sendPaced`: the send budget's bulk lane, behind replies, and the shared
 * buckets across processes), and marks it through the outcome book (a mark that cannot be written
 * is kept and written later, never a reason to resend). One retry rule for every ledger:
 * - a rate limit (429): back to pending at now + retry_after, the attempt given back, and every
 *   send to the platform paused (this process's and, shared, every process's) when ≤ 30 s;
 * - another temporary failure: the attempt counts, backoff 5 s, 10 s, … up to `maxAttempts`;
 * - a permanent one: failed, with the reason.
 * A row given back is not claimed again in the same run.
 */
export async function deliverLedger<Row extends { id: number; attempts: number }, Sent>(
  deps: Deps,
  ledger: LedgerAdapter<Row, Sent>,
  options: EngineOptions = {},
): Promise<DeliveryStats> {
  const stats: DeliveryStats = { sent: 0, failed: 0, retrying: 0 };
  const outcomes = outcomesOf(deps);
  const leaseMs = options.leaseMs ?? deps.config.directives.leaseMs;
  const latency = options.latency ?? new LatencyGauge();
  const budget = options.budget ?? budgetOf(deps);
  const { global } = deps.config.directives.rates;
  const perSecond = (global.count * 1000) / global.perMs;
  const held = ledger.table.due ? undefined : heldOf(deps, ledger.name);
  const givenBack = new Set<number>();
  const concurrency = () => options.concurrency ?? ledger.concurrency ?? latency.inFlight(perSecond);
  const leases = new Leases({
    ledger: ledger.name,
    everyMs: leaseMs / 3,
    outcomes,
    logger: deps.logger,
    renew: (ids) => renewLedger(deps.db, ledger.table, ids, deps.clock.now()),
  });
  const record = async (id: number, write: () => Promise<unknown>) => {
    if (await outcomes.record(ledger.name, id, write)) leases.release(id);
  };
  const pace: Pace = (chat, send) =>
    sendPaced(deps, chat, send, { budget, latency }).catch((error) => {
      throw error instanceof DeliveryError ? new LedgerSendError(chat, error) : error;
    });

  const giveBack = async (row: Row, release: Release) => {
    givenBack.add(row.id);
    if (held && release.notBefore) held.set(row.id, release.notBefore.getTime());
    stats.retrying++;
    await record(row.id, () => releaseLedger(deps.db, ledger.table, [row.id], release));
  };

  const sendOne = async (row: Row) => {
    // Sent before, its mark kept in memory while the database was away: written now, not resent.
    if (await outcomes.settle(ledger.name, row.id)) return leases.release(row.id);
    let sent: Sent | Skipped;
    try {
      sent = await ledger.send(row, pace);
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
      const reason = failure.message.slice(0, 300);
      const now = deps.clock.now().getTime();
      deps.logger.warn(
        { err: error, ledger: ledger.name, row: row.id, attempt: row.attempts, permanent: failure.permanent },
        'delivery failed',
      );
      const retryAfter = failure.permanent ? undefined : failure.retryAfterSeconds;
      if (retryAfter !== undefined) {
        // A rate limit is not the message's fault: the platform says when, the attempt is given back.
        const ms = Math.max(0, retryAfter) * 1000;
        if (retryAfter <= PAUSE_MAX_SECONDS && error instanceof LedgerSendError) {
          budget.pause(error.chat.platform, ms);
          // Told to every process; if the database is away, this process's own pause still holds.
          await sharedRateOf(deps)
            ?.pause(error.chat.platform, ms)
            .catch(() => {});
        }
        return giveBack(row, {
          notBefore: new Date(now + ms),
          attemptGivenBack: true,
          reason: `rate limited: retry after ${retryAfter}s`,
        });
      }
      if (failure.permanent || row.attempts >= ledger.maxAttempts) {
        stats.failed++;
        const why = failure.permanent ? reason : `gave up after ${row.attempts} attempts: ${reason}`;
        return record(row.id, () =>
          ledger.markFailed ? ledger.markFailed(row, why) : failLedger(deps.db, ledger.table, row.id, why),
        );
      }
      const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (row.attempts - 1), BACKOFF_MAX_MS);
      return giveBack(row, { notBefore: new Date(now + backoff), attemptGivenBack: false, reason });
    }
    if (isSkipped(sent)) {
      if (sent.write) return record(row.id, sent.write);
      return leases.release(row.id);
    }
    stats.sent++;
    held?.delete(row.id);
    // From here the message is out: a failing mark is retried, then kept, never a reason to resend.
    await record(row.id, () => ledger.markSent(row, sent as Sent));
  };

  // Outcomes kept while the database was away are written before anything is claimed again.
  await outcomes.reconcile(ledger.name);
  let claimedAny = false;
  try {
    while (!options.signal?.aborted) {
      const inFlight = concurrency();
      const batch = ledger.batch?.(inFlight, perSecond) ?? 100;
      const now = deps.clock.now();
      const ids = await claimLedger(deps.db, ledger.table, {
        batch,
        leaseMs,
        now,
        skip: [...givenBack, ...heldNow(held, now.getTime())],
        where: ledger.where,
        worker: options.worker,
      });
      if (ids.length === 0) break;
      claimedAny = true;
      leases.hold(ids);
      const rows = await ledger.load(ids);
      const left = await runAdaptive(rows, sendOne, concurrency, () => options.signal?.aborted === true);
      if (left.length > 0)
        await releaseLedger(
          deps.db,
          ledger.table,
          left.map((row) => row.id),
          { attemptGivenBack: true },
        );
      if (ids.length < batch || options.once) break;
    }
  } finally {
    leases.stop();
  }
  if (options.wake && !options.signal?.aborted)
    await scheduleWake(deps, ledger, leaseMs, options, claimedAny);
  return stats;
}

function isSkipped(value: unknown): value is Skipped {
  return typeof value === 'object' && value !== null && (value as Skipped).skipped === true;
}

function heldNow(held: Map<number, number> | undefined, now: number): number[] {
  if (!held) return [];
  const ids: number[] = [];
  for (const [id, until] of held) {
    if (until > now) ids.push(id);
    else held.delete(id);
  }
  return ids;
}

/** A failed send, with the chat it was for (a 429 pauses that platform): `pace` wraps what the platform throws. */
export class LedgerSendError extends DeliveryError {
  constructor(
    readonly chat: ChatRef,
    cause: DeliveryError,
  ) {
    super(cause.message, cause.permanent, cause.retryAfterSeconds);
  }
}

/**
 * One timer per process and ledger, at the ledger's next due moment: a dead process's rows are
 * taken over as soon as their lease ends, and a row told to wait goes when it may, not at the next
 * tick. A run that claimed nothing does not set one (the tick still looks), so it never spins.
 */
async function scheduleWake<Row extends { id: number; attempts: number }, Sent>(
  deps: Deps,
  ledger: LedgerAdapter<Row, Sent>,
  leaseMs: number,
  options: EngineOptions,
  claimedAny: boolean,
) {
  const timers = entryOf(wakers, deps.signals, () => new Map<string, ReturnType<typeof setTimeout>>());
  const key = `${ledger.name}:${options.worker ?? ''}`;
  if (timers.has(key)) return;
  let next: Date | undefined;
  try {
    next = await nextDueOf(deps.db, ledger.table, leaseMs, ledger.where);
  } catch {
    return;
  }
  if (!next) return;
  const delay = next.getTime() - deps.clock.now().getTime();
  if (delay > WAKE_MAX_MS || (delay <= 0 && !claimedAny)) return;
  const timer = setTimeout(
    () => {
      timers.delete(key);
      if (options.signal?.aborted) return;
      options.wake?.().catch((error) => deps.logger.warn({ err: error, ledger: ledger.name }, 'wake failed'));
    },
    Math.max(WAKE_MIN_MS, delay + 20),
  );
  timer.unref();
  timers.set(key, timer);
  options.signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
}
