import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { EventHandler } from './handle-event';

export interface Metrics {
  registry: Registry;
  updates: Counter<'platform' | 'kind'>;
  handleSeconds: Histogram<'platform' | 'kind'>;
  /** Requests refused (4xx) or failed (5xx) at the HTTP boundary, by status. */
  httpErrors: Counter<'status'>;
  /** Unhandled rejections and uncaught exceptions: logged and counted, never fatal once started. */
  processErrors: Counter<'kind'>;
}

/** A registry per process instance (not prom-client's global one), so tests can build several. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    updates: new Counter({
      name: 'pulse_updates_total',
      help: 'Inbound updates handled, by platform and kind',
      labelNames: ['platform', 'kind'],
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'pulse_update_handle_seconds',
      help: 'Time to handle one inbound update',
      labelNames: ['platform', 'kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'pulse_http_errors_total',
      help: 'HTTP requests refused or failed at the error boundary, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    processErrors: new Counter({
      name: 'pulse_process_errors_total',
      help: 'Unhandled promise rejections and uncaught exceptions (logged, not fatal)',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}

/** Counts and times every inbound update, whatever the platform. */
export function instrument(handle: EventHandler, metrics: Metrics): EventHandler {
  return async (event, options) => {
    const labels = { platform: event.chat.platform, kind: event.kind };
    const stopTimer = metrics.handleSeconds.startTimer(labels);
    try {
      await handle(event, options);
    } finally {
      stopTimer();
      metrics.updates.inc(labels);
    }
  };
}
