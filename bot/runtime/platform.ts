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

/** Tokens of an OAuth-renewed platform account (Zalo OA). */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/**
 * Where an adapter keeps its OAuth tokens: the database, wired by the composition root (adapters
 * have no database). `renew` runs under a lock shared by every process: `refresh` is called only
 * when the stored access token is still `stale` (or missing or expiring), so of N processes that
 * see the same token expire, one renews and the others take what it stored.
 */
export interface TokenStore {
  current(): Promise<OAuthTokens | undefined>;
  renew(
    stale: string | undefined,
    refresh: (refreshToken: string) => Promise<OAuthTokens>,
  ): Promise<OAuthTokens>;
  /** Counts a send the platform refused for its quota; returns this month's count. */
  countQuotaRefusal(): Promise<number>;
}
