import { lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { processedUpdates } from '../../db/schema';

/** Claims an update id; false when some process already handled it (webhook retries, scale-out). */
export async function claimUpdate(
  db: DbOrTx,
  platform: string,
  updateKey: string,
  now: Date,
): Promise<boolean> {
  const inserted = await db
    .insert(processedUpdates)
    .values({ platform, updateKey, at: now })
    .onConflictDoNothing()
    .returning({ key: processedUpdates.updateKey });
  return inserted.length > 0;
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
