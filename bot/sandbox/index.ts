import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import type { Clock, InboundEvent } from '../kernel/types';
import type { EventHandler } from '../runtime/handle-event';
import type { PlatformAdapter } from '../runtime/platform';
import { apiRoutes } from './api';
import { findPersona, visibleChats } from './directory';
import { HttpProblem } from './http';
import { SandboxHub } from './hub';
import { SandboxMessenger } from './messenger';
import { staticRoutes } from './static';

export interface SandboxPlatform extends PlatformAdapter {
  readonly messenger: SandboxMessenger;
  readonly hub: SandboxHub;
}

/**
 * Pulse in a local web chat: personas (people with a sandbox identity) talk to the bot in the
 * groups of their units and in a DM, through a page served on Pulse's own HTTP server.
 */
export function createSandboxPlatform(options: {
  db: Db;
  clock: Clock;
  logger: Logger;
  handle: EventHandler;
  /** The address the HTTP server binds (SANDBOX_HOST); requests for other hosts are refused. */
  host: string;
  /** The bot's time zone (BOT_TIMEZONE): the page shows every time in it. */
  timeZone: string;
  /** Whether typed text is an anonymous source, kept out of the history (the command registry's). */
  isAnonymousText(text: string, chat: 'dm' | 'group'): boolean;
}): SandboxPlatform {
  const { db, clock, logger, handle } = options;
  const hub = new SandboxHub(async (personaKey, chatKey) => {
    const persona = await findPersona(db, personaKey);
    return persona !== undefined && (await visibleChats(db, persona)).some((chat) => chat.key === chatKey);
  });
  const messenger = new SandboxMessenger(db, clock, hub);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  async function dispatch(event: InboundEvent): Promise<void> {
    if (stopping) throw new HttpProblem(503, 'Pulse is stopping');
    const handled = handle(event);
    inFlight.add(handled);
    try {
      await handled;
    } finally {
      inFlight.delete(handled);
    }
  }

  return {
    messenger,
    hub,
    routes: [
      ...staticRoutes(),
      ...apiRoutes({
        db,
        clock,
        hub,
        messenger,
        dispatch,
        boundHost: options.host,
        timeZone: options.timeZone,
        isAnonymousText: options.isAnonymousText,
      }),
    ],
    async start() {
      stopping = false;
      logger.info('sandbox started');
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...inFlight]);
      hub.closeAll();
    },
  };
}
