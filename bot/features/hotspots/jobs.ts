import { lt } from 'drizzle-orm';
import { hotspotHits } from '../../../db/schema';
import type { Deps } from '../../runtime/deps';
import { onTextSignal } from './detect';
import { sendDueEscalations } from './escalation';
import { lexiconOf } from './live';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Hits older than this no longer feed any window or baseline (baselines are limited to 90 days). */
export const HIT_RETENTION_DAYS = 120;

/** The scheduler jobs of the feature, for the composition root (node-cron ticks; the work is in the database). */
export function hotspotJobs(deps: Deps) {
  return [
    {
      name: 'hotspot-escalations',
      cron: '*/20 * * * * *',
      run: (now: Date) => sendDueEscalations(deps, now),
    },
    {
      name: 'hotspot-lexicon-refresh',
      cron: '*/5 * * * * *',
      run: async () => {
        if (await lexiconOf(deps).refresh(deps.db)) {
          deps.logger.info({ version: lexiconOf(deps).version }, 'hot-spot lexicon reloaded');
        }
      },
    },
    {
      name: 'hotspot-prune-hits',
      cron: '23 3 * * *',
      run: async (now: Date) => {
        await deps.db
          .delete(hotspotHits)
          .where(lt(hotspotHits.bucket, new Date(now.getTime() - HIT_RETENTION_DAYS * DAY_MS)));
      },
    },
  ];
}

/** Listens to text signals. A failure here is logged and never breaks the handling of the message. */
export function listenForHotspots(deps: Deps): void {
  deps.signals.addUrgencyProbe((text) => {
    const live = lexiconOf(deps);
    return live
      .assess(text)
      .some((hit) => live.topic(live.matcher.topicIds[hit.topic]!)?.severity === 'critical');
  });
  deps.signals.subscribe(async (signal) => {
    try {
      await onTextSignal(deps, signal);
    } catch (error) {
      // The same error line whatever the source, so it cannot tell that (and when) an anonymous
      // message arrived; the error, which may quote text, and the source go out at debug only.
      deps.logger.debug({ err: error, source: signal.source }, 'hot-spot detection failed');
      deps.logger.error('hot-spot detection failed (details at debug level)');
    }
  });
}
