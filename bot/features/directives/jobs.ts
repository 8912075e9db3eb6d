import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LatencyGauge } from '../../runtime/delivery/outcomes';
import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { refreshStaleAckCounts } from './acks';
import { type DeliveryStats, deliverDue } from './delivery';
import { MATERIALISE_BATCH, materialiseDue, materialiseReminders } from './materialise';

/** How often each process looks for due work; the database decides what is due. */
export const DIRECTIVES_TICK = '*/5 * * * * *';

export type DirectiveTick = (now: Date) => Promise<DeliveryStats>;

/**
 * One tick of directive campaigns: due occurrences and reminders become ledger rows, then the
 * ledger is sent, then acknowledgement counts that fell behind are rewritten. Ticks of one process
 * never overlap: a tick asked for during a long fan-out runs after it.
 */
export function createDirectiveTick(
  deps: Deps,
  worker = defaultWorkerId(),
  signal?: AbortSignal,
): DirectiveTick {
  const { directives: settings, timezone } = deps.config;
  let last: Promise<unknown> = Promise.resolve();
  const latency = new LatencyGauge();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = last.then(run);
    last = next.catch(() => {});
    return next;
  };
  // Between ticks the engine wakes the ledger at its next due moment (a row told to wait, or the
  // lease end of a process that died), in line with the ticks.
  const deliver = (): Promise<DeliveryStats> =>
    deliverDue(deps, { worker, leaseMs: settings.leaseMs, signal, latency, wake: () => serial(deliver) });

  async function tick(now: Date): Promise<DeliveryStats> {
    const options = {
      now,
      graceMs: settings.graceMs,
      timezone,
      platforms: deps.messenger.platforms(),
      messenger: deps.messenger,
    };
    while ((await materialiseDue(deps.db, options)) === MATERIALISE_BATCH) {}
    while ((await materialiseReminders(deps.db, options)) === MATERIALISE_BATCH) {}
    const stats = await deliver();
    await refreshStaleAckCounts(deps);
    return stats;
  }

  return (now) => serial(() => tick(now));
}

/** The scheduler jobs of directive campaigns; aborting `signal` ends a fan-out early (graceful stop). */
export function directiveJobs(deps: Deps, signal?: AbortSignal): Job[] {
  const tick = createDirectiveTick(deps, defaultWorkerId(), signal);
  return [{ name: 'directives', cron: DIRECTIVES_TICK, run: async (now) => void (await tick(now)) }];
}

function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
