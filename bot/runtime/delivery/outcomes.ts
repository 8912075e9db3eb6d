import type { Logger } from 'pino';

/**
 * What happened to a send, kept until its ledger row says so. A send that reached the platform
 * must never be sent again because writing "sent" failed (a terminated backend, the database
 * down): the write is retried with backoff, and if it still fails the outcome stays in memory;
 * the next claim of that row (by this process) writes it instead of sending, and `reconcile`
 * writes every kept outcome as soon as the database answers again.
 *
 * One instance per process (`Deps.deliveries`), shared by the poll, directive and report ledgers.
 */
export class DeliveryOutcomes {
  private readonly kept = new Map<string, () => Promise<unknown>>();
  private readonly attempts: number;
  private readonly baseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly logger: Logger,
    options: { attempts?: number; baseMs?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.baseMs = options.baseMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Writes an outcome to the ledger, retrying with backoff (100 ms, 200 ms, 400 ms by default);
   * true once written, false when it is kept in memory for later.
   */
  async record(ledger: string, id: number, write: () => Promise<unknown>): Promise<boolean> {
    const key = `${ledger}:${id}`;
    this.kept.set(key, write);
    let last: unknown;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) await this.sleep(this.baseMs * 2 ** (attempt - 1));
      try {
        await write();
        if (this.kept.get(key) === write) this.kept.delete(key);
        return true;
      } catch (error) {
        last = error;
      }
    }
    this.logger.error(
      { err: last, ledger, id, kept: this.kept.size },
      'delivery outcome not written: kept in memory until the database answers',
    );
    return false;
  }

  /** True when this process already knows what happened to the row: it must not be sent again. */
  knows(ledger: string, id: number): boolean {
    return this.kept.has(`${ledger}:${id}`);
  }

  /** Writes a kept outcome for a row claimed again; true when the row is settled (or still kept). */
  async settle(ledger: string, id: number): Promise<boolean> {
    const key = `${ledger}:${id}`;
    const write = this.kept.get(key);
    if (!write) return false;
    try {
      await write();
      if (this.kept.get(key) === write) this.kept.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, ledger, id }, 'kept delivery outcome still not written');
    }
    return true;
  }

  /**
   * Writes kept outcomes (of one ledger, or all) once each; stops at the first failure (the
   * database is still away). Returns how many remain kept.
   */
  async reconcile(ledger?: string): Promise<number> {
    for (const [key, write] of [...this.kept]) {
      if (ledger && !key.startsWith(`${ledger}:`)) continue;
      try {
        await write();
        if (this.kept.get(key) === write) this.kept.delete(key);
      } catch {
        break;
      }
    }
    return this.pending(ledger);
  }

  /** Outcomes not yet in the ledger. */
  pending(ledger?: string): number {
    if (!ledger) return this.kept.size;
    let n = 0;
    for (const key of this.kept.keys()) if (key.startsWith(`${ledger}:`)) n++;
    return n;
  }
}

/**
 * Rows this process holds under a lease: `renew` is called every `everyMs` with their ids while
 * any are held, so a live process keeps them and a dead one (kill -9) loses them within one lease.
 * The renewal first writes kept outcomes (`outcomes.reconcile`), so when the database comes back,
 * a row already sent is marked before anyone can take it over.
 */
export class Leases {
  private readonly held = new Set<number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing = false;

  constructor(
    private readonly options: {
      ledger: string;
      everyMs: number;
      renew: (ids: number[]) => Promise<unknown>;
      outcomes: DeliveryOutcomes;
      logger: Logger;
    },
  ) {}

  hold(ids: Iterable<number>): void {
    for (const id of ids) this.held.add(id);
    if (!this.timer && this.held.size > 0) {
      this.timer = setInterval(() => void this.renew(), Math.max(this.options.everyMs, 50));
      this.timer.unref();
    }
  }

  release(id: number): void {
    this.held.delete(id);
    if (this.held.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.held.clear();
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      await this.options.outcomes.reconcile(this.options.ledger);
      await this.options.renew([...this.held]);
    } catch (error) {
      this.options.logger.warn({ err: error, ledger: this.options.ledger }, 'lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }
}

/**
 * Send latency of one platform path, smoothed: the number of sends to keep in flight so that a
 * slow platform (4 s per send) still reaches the rate limit (Little's law: in flight = rate ×
 * latency). The rate limiter still decides when each send may start.
 */
export class LatencyGauge {
  private smoothedMs: number | undefined;

  observe(ms: number): void {
    this.smoothedMs = this.smoothedMs === undefined ? ms : this.smoothedMs * 0.8 + ms * 0.2;
  }

  get ms(): number {
    return this.smoothedMs ?? 0;
  }

  /** Sends in flight for `perSecond` messages a second: at least `min`, at most `max`. */
  inFlight(perSecond: number, min = 8, max = 256): number {
    return Math.max(min, Math.min(max, Math.ceil(perSecond * (this.ms / 1000) * 1.25)));
  }
}

/**
 * Runs `work` over `items` with as many in flight as `limit()` says at each start (re-read as
 * sends complete, so it follows the latency gauge); stops starting new ones once `stop()` is true.
 * Returns the items never started.
 */
export async function runAdaptive<T>(
  items: T[],
  work: (item: T) => Promise<void>,
  limit: () => number,
  stop: () => boolean = () => false,
): Promise<T[]> {
  const queue = [...items];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  while (queue.length > 0 && !stop() && !failure) {
    while (running.size < limit() && queue.length > 0 && !stop()) {
      const item = queue.shift()!;
      const task: Promise<void> = work(item)
        .catch((error) => {
          failure ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return queue;
}

/** The process's outcome book, or (a caller without one) a book for this call only. */
export function outcomesOf(deps: { deliveries?: DeliveryOutcomes; logger: Logger }): DeliveryOutcomes {
  return deps.deliveries ?? new DeliveryOutcomes(deps.logger);
}
