import type { Catalogue } from '../kernel/i18n';
import type { Deps } from './deps';
import type { FileListener, MessageListener, ReactionHandler } from './handle-event';
import type { HomeContributor } from './home';
import type { Job } from './scheduler';
import type { StartPayloadHandler } from './start-payloads';
import type { ButtonHandler, CommandDefinition } from './types';

/**
 * A feature is one folder with this manifest as its index.ts export: the composition root
 * (bot/features/index.ts and bot/app.ts) registers it in one line, and removing the folder and that
 * line removes the feature. The runtime knows this shape, never a feature.
 */
export interface Feature {
  name: string;
  /** Slash commands, in the order /help lists them. */
  commands?: readonly CommandDefinition[];
  /** Button handlers, each matched by the prefix of the button's data. */
  buttons?: readonly ButtonHandler[];
  /** Plain messages go through these first; one that returns true consumes the message. */
  listeners?: readonly MessageListener[];
  /** Reactions to messages (where the platform reports them). */
  reactions?: readonly ReactionHandler[];
  /** Documents sent to the bot go through these; one that returns true consumes the file. */
  files?: readonly FileListener[];
  /** /start deep-link payloads this feature made (e.g. "cmt-12"). */
  startPayloads?: readonly StartPayloadHandler[];
  /** Its section of a person's own page (Slack's Home tab): what they have open in this feature. */
  home?: HomeContributor;
  /** Its messages (also composed statically in bot/messages.ts, which gives the key type). */
  messages: Catalogue;
  /** Scheduler jobs; `stopping` aborts long fan-outs on shutdown. */
  jobs?(deps: Deps, stopping: AbortSignal): Job[];
  /** Runs once at start, before platforms take updates (subscriptions, caches). */
  start?(deps: Deps): Promise<void> | void;
  /** Runs once at a graceful stop, after the scheduler stopped and before the database closes. */
  stop?(deps: Deps): Promise<void>;
}
