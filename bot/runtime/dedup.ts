import { and, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { processedUpdates } from '../../db/schema';
import type { Platform } from '../kernel/types';

/** The hour an instant falls in: `processed_updates` keeps no finer time (an update's exact time would date the feedback it carried). */
export function hourOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

/**
 * Claims an update id; false when some process already has it (webhook retries, scale-out).
 * A claim whose handling fails is given back (`releaseUpdate`), so the platform's retry is handled.
 */
export async function claimUpdate(
  db: DbOrTx,
  platform: Platform,
  updateKey: string,
  now: Date,
): Promise<boolean> {
  const inserted = await db
    .insert(processedUpdates)
    .values({ platform, updateKey, at: hourOf(now) })
    .onConflictDoNothing()
    .returning({ key: processedUpdates.updateKey });
  return inserted.length > 0;
}

/** Gives back a claim: the update was not handled, and the platform's retry must be. */
export async function releaseUpdate(db: DbOrTx, platform: Platform, updateKey: string): Promise<void> {
  await db
    .delete(processedUpdates)
    .where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey)));
}

export async function pruneProcessedUpdates(db: DbOrTx, olderThan: Date): Promise<number> {
  const deleted = await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.at, olderThan))
    .returning({ key: processedUpdates.updateKey });
  return deleted.length;
}

/** Remembers the last `capacity` keys in memory; enough for one long-polling process. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  /** True the first time a key is offered. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    this.keys.delete(key);
  }
}
