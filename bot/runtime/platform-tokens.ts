import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { platformTokens } from '../../db/schema';
import type { Clock, Platform } from '../kernel/types';
import type { OAuthTokens, TokenStore } from './platform';

/** A token expiring within this margin is renewed before use. */
export const RENEW_MARGIN_MS = 5 * 60_000;

/**
 * The database behind a TokenStore. The first use seeds the row from the configured refresh token
 * (the database's wins afterwards: refresh tokens are single-use). A renewal is one transaction
 * holding `pg_advisory_xact_lock` on the account: the row is read again under the lock, and the
 * OAuth server is called only if no other process renewed it meanwhile.
 */
export function databaseTokenStore(options: {
  db: Db;
  clock: Clock;
  platform: Platform;
  account: string;
  seedRefreshToken?: string;
}): TokenStore {
  const { db, clock, platform, account } = options;
  const where = and(eq(platformTokens.platform, platform), eq(platformTokens.account, account));
  const lockKey = `pulse-tokens:${platform}:${account}`;
  const asTokens = (row: typeof platformTokens.$inferSelect | undefined): OAuthTokens | undefined =>
    row?.accessToken && row.expiresAt
      ? { accessToken: row.accessToken, refreshToken: row.refreshToken, expiresAt: row.expiresAt }
      : undefined;

  async function seed(): Promise<void> {
    if (!options.seedRefreshToken) return;
    await db
      .insert(platformTokens)
      .values({ platform, account, refreshToken: options.seedRefreshToken, updatedAt: clock.now() })
      .onConflictDoNothing();
  }

  return {
    async current() {
      await seed();
      const [row] = await db.select().from(platformTokens).where(where);
      return asTokens(row);
    },
    async renew(stale, refresh) {
      await seed();
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${lockKey}))`);
        const [row] = await tx.select().from(platformTokens).where(where).for('update');
        if (!row) {
          throw new Error(
            `${platform}: no refresh token stored; set it once in the settings (see docs/platforms.md)`,
          );
        }
        const stored = asTokens(row);
        const fresh = stored && stored.expiresAt.getTime() - clock.now().getTime() > RENEW_MARGIN_MS;
        if (stored && fresh && stored.accessToken !== stale) return stored;
        const renewed = await refresh(row.refreshToken);
        await tx
          .update(platformTokens)
          .set({
            accessToken: renewed.accessToken,
            refreshToken: renewed.refreshToken,
            expiresAt: renewed.expiresAt,
            renewals: sql`${platformTokens.renewals} + 1`,
            updatedAt: clock.now(),
          })
          .where(where);
        return renewed;
      });
    },
    async countQuotaRefusal() {
      const month = clock.now().toISOString().slice(0, 7);
      const [row] = await db
        .update(platformTokens)
        .set({
          quotaRefusals: sql`case when ${platformTokens.quotaMonth} = ${month} then ${platformTokens.quotaRefusals} + 1 else 1 end`,
          quotaMonth: month,
        })
        .where(where)
        .returning({ count: platformTokens.quotaRefusals });
      return row?.count ?? 0;
    },
  };
}
