import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outbox } from '../../../db/schema';
import type { ChatRef, OutgoingMessage, Platform, SentRef } from '../../kernel/types';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxStatus = OutboxRow['status'];

/** Where a row goes: a chat (group or DM), or a person's account (the platform opens the DM). */
export type OutboxTarget =
  | { chat: ChatRef }
  | { user: { platform: Platform; externalId: string } }
  | { edit: SentRef };

export interface OutboxInput {
  /** Unique for what it sends: the same key enqueued twice is one message. `kind:...` by convention. */
  key: string;
  /** What it is, for /outbox and the metrics: `hotspot_alert`, `poll_closing`, ... */
  kind: string;
  to: OutboxTarget;
  message: OutgoingMessage;
  /** Not before this moment (default: at once). */
  notBefore: Date;
}

function columnsOf(to: OutboxTarget) {
  if ('chat' in to)
    return { platform: to.chat.platform, target: to.chat.kind, externalId: to.chat.externalId };
  if ('user' in to)
    return { platform: to.user.platform, target: 'user' as const, externalId: to.user.externalId };
  return {
    platform: to.edit.chat.platform,
    target: to.edit.chat.kind,
    externalId: to.edit.chat.externalId,
    op: 'edit' as const,
    messageId: to.edit.messageId,
  };
}

/**
 * Writes messages to the outbox, inside the caller's transaction when given one (the message is
 * queued exactly when what it announces commits). Idempotent on the key: a key already queued
 * (whatever its status) is left as it is. Returns how many rows are new.
 */
export async function enqueue(db: DbOrTx, inputs: readonly OutboxInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const rows = inputs.map((input) => {
    const { bulk: _bulk, ...payload } = input.message;
    return { key: input.key, kind: input.kind, payload, notBefore: input.notBefore, ...columnsOf(input.to) };
  });
  let added = 0;
  // Chunks keep one statement under PostgreSQL's 65,535 parameters (a --dm poll's thousands of copies).
  for (let i = 0; i < rows.length; i += 1000) {
    const inserted = await db
      .insert(outbox)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing({ target: outbox.key })
      .returning({ id: outbox.id });
    added += inserted.length;
  }
  return added;
}

/**
 * Stops what is still waiting under a key prefix (`hotspot_alert:12:`): pending rows, and claimed
 * rows not yet sent (the sender looks again just before each send), become cancelled.
 */
export async function cancelQueued(db: DbOrTx, keyPrefix: string): Promise<number> {
  const escaped = keyPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db
    .update(outbox)
    .set({ status: 'cancelled' })
    .where(and(like(outbox.key, `${escaped}%`), inArray(outbox.status, ['pending', 'sending'])))
    .returning({ id: outbox.id });
  return rows.length;
}

/** The rows of these keys (their status, and where a sent one went). */
export async function outboxRows(db: DbOrTx, keys: readonly string[]): Promise<OutboxRow[]> {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(outbox)
    .where(inArray(outbox.key, [...keys]));
}

/** Where a sent row's message is, for an edit; undefined before it is sent. */
export function sentRefOf(row: OutboxRow): SentRef | undefined {
  if (row.status !== 'sent' || !row.sentMessageId || !row.sentChatId) return undefined;
  const kind = row.target === 'group' ? 'group' : 'dm';
  return { chat: { platform: row.platform, externalId: row.sentChatId, kind }, messageId: row.sentMessageId };
}

export interface QueueCount {
  kind: string;
  status: 'pending' | 'sending' | 'failed';
  count: number;
}

export interface QueueFailure {
  kind: string;
  error: string;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Rows not sent (pending, sending, failed) by kind, and the latest failure reasons (newest first). */
export async function outboxQueue(
  db: DbOrTx,
  options: { failures?: number } = {},
): Promise<{ counts: QueueCount[]; failures: QueueFailure[] }> {
  const counts = rowsOf<{ kind: string; status: QueueCount['status']; n: number }>(
    await db.execute(sql`
      select kind, status, count(*)::int as n from outbox
      where status in ('pending', 'sending', 'failed') group by kind, status order by kind, status`),
  ).map((row) => ({ kind: row.kind, status: row.status, count: Number(row.n) }));
  const failures = await db
    .select({ kind: outbox.kind, error: outbox.lastError })
    .from(outbox)
    .where(eq(outbox.status, 'failed'))
    .orderBy(sql`${outbox.id} desc`)
    .limit(options.failures ?? 5);
  return { counts, failures: failures.map((f) => ({ kind: f.kind, error: f.error ?? '?' })) };
}
