import type { DbOrTx } from '../../db/client';
import { auditLog } from '../../db/schema';
import { sanitizeText } from '../kernel/sanitize';
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
  // Bad bytes never make the audit row (refusals included) fail: the edge sanitises, this is the net.
  await db.insert(auditLog).values({
    ...entry,
    command: sanitizeText(entry.command),
    args: sanitizeText(entry.args),
    detail: entry.detail === undefined ? undefined : sanitizeText(entry.detail),
  });
}
