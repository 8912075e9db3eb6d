import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import type { SendRate } from '../../config';
import type { ChatRef, Platform } from '../../kernel/types';
import type { LimiterTime } from './budget';

const realTime: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A send reaches the platform some milliseconds after its slot (timers on a busy machine, network),
 * and not all equally late, so slots spaced exactly 1/rate apart could arrive bunched. Spacing
 * `count` slots over `perMs + JITTER_MS` keeps any `perMs` window at `count` even when a send is up
 * to JITTER_MS later than the next one: 95% of Telegram's 30/s.
 */
export const JITTER_MS = 50;
/** Bucket rows untouched this long (a chat with nothing sent for a day) are deleted. */
const PRUNE_AFTER_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

type Rates = { global: SendRate; chat: SendRate; group: SendRate };

/**
 * A chat's or a group's own rate never limits a fan-out's throughput (each chat gets one or two
 * messages), so its slots get a wider margin: two messages to one chat, 1.25 s apart, still
 * arrive a second apart when the first was held up by a busy event loop and the second was not.
 */
export const CHAT_JITTER_MS = 250;

const intervalOf = (rate: SendRate, jitterMs = JITTER_MS) => (rate.perMs + jitterMs) / rate.count;
/** The database's clock in ms: every process reads the same one, whatever its own clock says. */
const DB_NOW = sql`(extract(epoch from clock_timestamp()) * 1000)::double precision`;

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Send rates that hold across processes: the platform's global rate, each chat's and each group's,
 * as one `send_buckets` row per key (GCRA, a token bucket of depth one: the row holds the earliest
 * moment the next message under that key may go, in the database's clock).
 *
 * `reserve(chat)` takes, in one transaction under the rows' locks (taken in key order, so two
 * processes never deadlock), the first slot free in every bucket of that message, moves each bucket
 * past it, and sleeps until it. N processes together therefore stay under each rate, and — since a
 * slot is only taken by a message about to go — together use all of it, less JITTER_MS.
 * `pause` (a 429's retry_after) moves the platform's global bucket, so every process waits it out.
 *
 * The SQL is plain PostgreSQL and runs on PGlite too (tests); Pulse turns it on where several
 * processes share a database (`config.directives.sharedRates`).
 */
export class SharedSendRate {
  private readonly known = new Set<string>();
  private lastPrune = Number.NEGATIVE_INFINITY;
  private offset = Number.POSITIVE_INFINITY;
  private offsetAt = 0;

  constructor(
    private readonly db: Db,
    private readonly rates: Rates,
    private readonly time: LimiterTime = realTime,
  ) {}

  /** Waits for this message's slot (global, chat and, for a group, group rate); returns the wait in ms. */
  async reserve(chat: ChatRef): Promise<number> {
    const buckets = [
      { key: `${chat.platform}:global`, interval: intervalOf(this.rates.global) },
      {
        key: `${chat.platform}:chat:${chat.externalId}`,
        interval: intervalOf(this.rates.chat, CHAT_JITTER_MS),
      },
    ];
    if (chat.kind === 'group')
      buckets.push({
        key: `${chat.platform}:group:${chat.externalId}`,
        interval: intervalOf(this.rates.group, CHAT_JITTER_MS),
      });
    buckets.sort((a, b) => (a.key < b.key ? -1 : 1));
    const began = this.time.now();
    let retaken = false;
    for (;;) {
      await this.ensure(buckets.map((bucket) => bucket.key));
      const taken = await this.take(buckets);
      if (taken === undefined) {
        // A row was pruned by another process since this one saw it: create it again.
        for (const bucket of buckets) this.known.delete(bucket.key);
        continue;
      }
      if (taken.ownReadyAt !== undefined) {
        // The chat (or group) had a message from another process moments ago: wait for it
        // without holding a global slot, which every other chat could use meanwhile.
        await this.time.sleep(Math.max(1, taken.ownReadyAt - this.time.now()));
        continue;
      }
      const wait = taken.at - this.time.now();
      if (wait > 0) await this.time.sleep(wait);
      // Woken later than the margin allows (a stalled event loop): sent now, this message would
      // arrive together with the next slots' and break the platform's second. Its slot is left
      // unused, a gap that absorbs the bunching, and it takes one new slot (once: a process that
      // is always late still sends, at its own slower pace).
      if (!retaken && this.time.now() - taken.at > JITTER_MS) {
        retaken = true;
        continue;
      }
      void this.pruneNow();
      return Math.max(0, this.time.now() - began);
    }
  }

  /**
   * One slot free in every bucket, taken, and when it is on this process's clock (`time.now()`);
   * or, when the message's own chat or group bucket is further ahead than the global one, nothing
   * taken and when that bucket frees (`ownReadyAt`); undefined when a bucket row is missing.
   *
   * A slot is one moment for all of the message's buckets, so taking one for a chat that may only
   * send in 3 s would move the global bucket 3 s ahead and stall every process's sends to every
   * chat for those 3 s (a group's 20/m after another process's post). Its chat buckets must be
   * free by the time the global queue reaches it; until then it waits outside the queue.
   *
   * One statement, so one round trip: the rows are locked (in key order) only while PostgreSQL
   * runs it, not across a client's round trips — the global row is every send's, and on a busy
   * machine a lock held over BEGIN … COMMIT capped the rate of all processes together. The
   * database's "now" is read after the locks are held (a lock wait does not age it), and the slot
   * is placed on the local clock when the answer arrives.
   */
  private async take(
    buckets: { key: string; interval: number }[],
  ): Promise<{ at: number; ownReadyAt?: number } | undefined> {
    const keys = sql.join(
      buckets.map((bucket) => sql`${bucket.key}`),
      sql`, `,
    );
    const cases: SQL[] = buckets.map(
      (bucket) => sql`when ${bucket.key} then ${bucket.interval}::double precision`,
    );
    const global = buckets.find((bucket) => bucket.key.endsWith(':global'))!.key;
    const [row] = rowsOf<{ slot_ms: number; now_ms: number; own_ms: number | null; n: number; took: number }>(
      await this.db.execute(sql`
        with locked as (
          select key, next_at_ms from send_buckets where key in (${keys}) order by key for update
        ), slot as (
          select greatest(max(next_at_ms) filter (where key = ${global}), ${DB_NOW}) as at,
            max(next_at_ms) filter (where key <> ${global}) as own, ${DB_NOW} as now, count(*)::int as n
          from locked
        ), updated as (
          update send_buckets set next_at_ms = slot.at + case key ${sql.join(cases, sql` `)} end
          from slot where key in (${keys}) and slot.n = ${buckets.length}
            and coalesce(slot.own, 0) <= slot.at
          returning 1
        )
        select slot.at as slot_ms, slot.now as now_ms, slot.own as own_ms, slot.n,
          (select count(*)::int from updated) as took
        from slot`),
    );
    if (!row || Number(row.n) < buckets.length) return undefined;
    const offset = this.offsetFrom(Number(row.now_ms));
    if (Number(row.took) === 0) return { at: Number.NaN, ownReadyAt: Number(row.own_ms) + offset };
    return { at: Number(row.slot_ms) + offset };
  }

  /**
   * Local time minus the database's, at its smallest seen (an answer is only ever late, by network
   * and event-loop delays that vary from call to call): one stable mapping for every slot, so two
   * slots 35 ms apart in the database are 35 ms apart here. May rise 0.1 ms a second (clock drift).
   */
  private offsetFrom(dbNow: number): number {
    const local = this.time.now();
    const observed = local - dbNow;
    const drift = Number.isFinite(this.offset) ? (local - this.offsetAt) * 1e-4 : 0;
    this.offset = Math.min(observed, this.offset + drift);
    this.offsetAt = local;
    return this.offset;
  }

  /** The platform said "retry after `ms`": no process sends to it before then. */
  async pause(platform: Platform, ms: number): Promise<void> {
    const key = `${platform}:global`;
    await this.db.execute(sql`
      insert into send_buckets (key, next_at_ms) values (${key}, ${DB_NOW} + ${ms}::double precision)
      on conflict (key) do update set next_at_ms = greatest(send_buckets.next_at_ms, excluded.next_at_ms)`);
  }

  /** Creates the rows this process has not seen yet (outside the transaction: no lock is held). */
  private async ensure(keys: string[]): Promise<void> {
    const missing = keys.filter((key) => !this.known.has(key));
    if (missing.length === 0) return;
    await this.db.execute(sql`
      insert into send_buckets (key, next_at_ms)
      values ${sql.join(
        missing.map((key) => sql`(${key}, 0)`),
        sql`, `,
      )}
      on conflict (key) do nothing`);
    for (const key of missing) this.known.add(key);
    if (this.known.size > 50_000) this.known.clear();
  }

  private async pruneNow(): Promise<void> {
    const now = this.time.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      await this.db.execute(sql`
        delete from send_buckets where next_at_ms < ${DB_NOW} - ${PRUNE_AFTER_MS}::double precision
        and key not like '%:global'`);
      this.known.clear();
    } catch {
      // Pruning is housekeeping: the next round tries again.
    }
  }
}

const shared = new WeakMap<object, SharedSendRate>();

/**
 * The process's shared send rate when `config.directives.sharedRates` is on (one per running app,
 * keyed like `budgetOf`), else undefined: the process's own limiter is then the only one.
 */
export function sharedRateOf(deps: {
  db: Db;
  signals: object;
  config: { directives: { rates: Rates; sharedRates: boolean } };
}): SharedSendRate | undefined {
  if (!deps.config.directives.sharedRates) return undefined;
  let rate = shared.get(deps.signals);
  if (!rate) {
    rate = new SharedSendRate(deps.db, deps.config.directives.rates);
    shared.set(deps.signals, rate);
  }
  return rate;
}
