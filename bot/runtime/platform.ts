import type { Messenger } from '../kernel/types';
import type { HttpRoute } from './http/router';

/** What the composition root needs from each platform adapter. */
export interface PlatformAdapter {
  readonly messenger: Messenger;
  /** Routes served on Pulse's HTTP server (webhooks, the sandbox page). */
  readonly routes: readonly HttpRoute[];
  start(): Promise<void>;
  /** Stops taking updates and waits for the ones in progress. */
  stop(): Promise<void>;
}
