import { sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from '../../db/client';
import { DeliveryError } from '../kernel/errors';
import type { Messenger } from '../kernel/types';

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The queue of what Pulse sends on its own initiative, read from each ledger when /metrics is
 * scraped (one round of counts per scrape, cached for a second): the delivery rows of directives,
 * polls (by purpose), hot-spot alerts not yet queued, scheduled reports, and the one outbox
 * (bot/runtime/outbox) by kind, by status; open incidents by severity
 * and status; open polls. Counts only: no chat, person or content. A database that does not answer
 * leaves the gauges at their last values and counts a failed scrape.
 */
export function registerOperationsMetrics(registry: Registry, db: Db): void {
  const depth = new Gauge({
    name: 'pulse_outbox_depth',
    help: 'Messages Pulse sends on its own initiative that are not sent yet, by kind and status',
    labelNames: ['kind', 'status'],
    registers: [registry],
    collect: () => refresh(),
  });
  const age = new Gauge({
    name: 'pulse_outbox_oldest_seconds',
    help: 'Age of the oldest message waiting (due and pending, or claimed and sending), by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect: () => refresh(),
  });
  const incidents = new Gauge({
    name: 'pulse_incidents_open',
    help: 'Hot-spot incidents not resolved, by severity and status',
    labelNames: ['severity', 'status'],
    registers: [registry],
    collect: () => refresh(),
  });
  const polls = new Gauge({
    name: 'pulse_polls_open',
    help: 'Polls open for answers',
    registers: [registry],
    collect: () => refresh(),
  });
  const failures = new Counter({
    name: 'pulse_metrics_query_failures_total',
    help: 'Scrapes whose database counts failed (the gauges keep their last values)',
    registers: [registry],
  });

  let last = 0;
  let pending: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (pending) return pending;
    if (Date.now() - last < 1000) return Promise.resolve();
    pending = read()
      .catch(() => failures.inc())
      .finally(() => {
        last = Date.now();
        pending = undefined;
      });
    return pending;
  };

  async function read(): Promise<void> {
    const queue = rowsOf<{ kind: string; status: string; n: number; oldest: number | null }>(
      await db.execute(sql`
        select 'directive' as kind, status, count(*)::int as n,
          extract(epoch from now() - min(case when status = 'pending' and next_attempt_at <= now() then next_attempt_at
            when status = 'sending' then claimed_at end))::float8 as oldest
        from directive_deliveries where status in ('pending', 'sending', 'failed') group by status
        union all
        select 'poll_' || purpose, status, count(*)::int, extract(epoch from now() - min(claimed_at))::float8
        from poll_deliveries where status in ('pending', 'sending', 'failed') group by purpose, status
        union all
        select 'alert', status, count(*)::int, extract(epoch from now() - min(claimed_at))::float8
        from incident_alerts where status in ('pending', 'sending', 'failed') group by status
        union all
        select 'report', status, count(*)::int, extract(epoch from now() - min(claimed_at))::float8
        from report_runs where status in ('pending', 'sending', 'failed') group by status
        union all
        select kind, status, count(*)::int, extract(epoch from now() - min(case when status = 'pending'
            and not_before <= now() then not_before when status = 'sending' then claimed_at end))::float8
        from outbox where status in ('pending', 'sending', 'failed') group by kind, status`),
    );
    const open = rowsOf<{ severity: string; status: string; n: number }>(
      await db.execute(sql`
        select severity, status, count(*)::int as n from incidents where status <> 'resolved' group by 1, 2`),
    );
    const [pollCount] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from polls where status = 'open'`),
    );
    depth.reset();
    age.reset();
    const oldest = new Map<string, number>();
    for (const row of queue) {
      depth.set({ kind: row.kind, status: row.status }, Number(row.n));
      if (row.status !== 'failed' && row.oldest !== null)
        oldest.set(row.kind, Math.max(oldest.get(row.kind) ?? 0, Number(row.oldest)));
    }
    for (const [kind, seconds] of oldest) age.set({ kind }, Math.max(0, seconds));
    incidents.reset();
    for (const row of open) incidents.set({ severity: row.severity, status: row.status }, Number(row.n));
    polls.set(Number(pollCount?.n ?? 0));
  }
}

export interface SendMetrics {
  sends: Counter<'platform' | 'outcome'>;
  rateLimited: Counter<'platform'>;
}

export function createSendMetrics(registry: Registry): SendMetrics {
  return {
    sends: new Counter({
      name: 'pulse_sends_total',
      help: 'Messages sent (send, sendDm, files, images), by platform and outcome (ok, rate_limited, failed)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'pulse_send_429_total',
      help: "Sends the platform refused with a rate limit (429) after its client's own retries",
      labelNames: ['platform'],
      registers: [registry],
    }),
  };
}

const SENDS = new Set(['send', 'sendDm', 'sendFile', 'sendImage', 'sendEphemeral']);

/** Counts a platform messenger's sends and their outcomes; everything else passes through. */
export function countSends<M extends Messenger>(messenger: M, metrics: SendMetrics): M {
  return new Proxy(messenger, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !SENDS.has(property) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const platform = target.platform;
        try {
          const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
          metrics.sends.inc({ platform, outcome: 'ok' });
          return result;
        } catch (error) {
          const limited = error instanceof DeliveryError && error.retryAfterSeconds !== undefined;
          metrics.sends.inc({ platform, outcome: limited ? 'rate_limited' : 'failed' });
          if (limited) metrics.rateLimited.inc({ platform });
          throw error;
        }
      };
    },
  });
}

/** Scheduler runs: how late each ticked job started after its moment, and how long it ran. */
export function createSchedulerMetrics(registry: Registry) {
  const lag = new Gauge({
    name: 'pulse_scheduler_lag_seconds',
    help: 'How late the last ticked run of each job started after its scheduled moment',
    labelNames: ['job'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pulse_scheduler_job_seconds',
    help: 'Duration of ticked job runs',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  return (job: string, lagMs: number, durationMs: number) => {
    lag.set({ job }, lagMs / 1000);
    duration.observe({ job }, durationMs / 1000);
  };
}
