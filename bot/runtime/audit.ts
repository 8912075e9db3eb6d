import type { DbOrTx } from '../../db/client';
import { auditLog } from '../../db/schema';
import type { Platform } from '../kernel/types';

export type AuditResult = (typeof auditLog.$inferInsert)['result'];

export async function recordAudit(
  db: DbOrTx,
  entry: {
    at: Date;
    actorPersonId: number | null;
    platform: Platform;
    command: string;
    args: string;
    result: AuditResult;
    detail?: string;
  },
): Promise<void> {
  await db.insert(auditLog).values(entry);
}
