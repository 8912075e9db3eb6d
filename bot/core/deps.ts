import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import type { Config } from '../config';
import type { DeliveryOutcomes } from './delivery/outcomes';
import type { LiveLexicon } from './hotspots/live';
import type { MessengerRouter } from './messenger-router';
import type { BallotBox } from './polls/ballot-box';
import type { TextSignals } from './text-signals';
import type { Clock } from './types';

/** Everything a core function may need, passed in: no module-level singletons. */
export interface Deps {
  db: Db;
  messenger: MessengerRouter;
  clock: Clock;
  logger: Logger;
  config: Config;
  /** Texts for the hot-spot matcher (group messages, feedback, poll comments), without authors. */
  signals: TextSignals;
  /** The hot-spot lexicon compiled in memory (rebuilt when its stored version moves). */
  lexicon: LiveLexicon;
  /** This process's poll ballots, held in memory until a batch of k (see polls/ballot-box.ts). */
  ballots: BallotBox;
  /**
   * Send outcomes not yet written to their ledger (the database was away): one per process, so a
   * message already sent is never sent again. Absent, each delivery call keeps its own.
   */
  deliveries?: DeliveryOutcomes;
}
