import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import type { Config } from '../config';
import type { TextSignals } from '../kernel/text-signals';
import type { Clock } from '../kernel/types';
import type { DeliveryOutcomes } from './delivery/outcomes';
import type { MessengerRouter } from './messenger-router';

/** Everything a core function may need, passed in: no module-level singletons. */
export interface Deps {
  db: Db;
  messenger: MessengerRouter;
  clock: Clock;
  logger: Logger;
  config: Config;
  /** Texts for the hot-spot matcher (group messages, feedback, poll comments), without authors. */
  signals: TextSignals;
  /**
   * Send outcomes not yet written to their ledger (the database was away): one per process, so a
   * message already sent is never sent again. Absent, each delivery call keeps its own.
   */
  deliveries?: DeliveryOutcomes;
}
