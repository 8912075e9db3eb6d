import { and, inArray, like, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outbox } from '../../../db/schema';
import type { ChatRef, OutgoingFile, Platform, QueuedMessage, SentRef } from '../../kernel/types';

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
  message: QueuedMessage;
  /** Not before this moment (default: at once). */
  notBefore: Date;
}

/** A queued document as the messenger takes it: its bytes decoded, `text` as the caption. */
export function outgoingFileOf(message: QueuedMessage & Required<Pick<QueuedMessage, 'file'>>): OutgoingFile {
  const { name, mime, base64 } = message.file;
  return {
    name,
    mime,
    data: new Uint8Array(Buffer.from(base64, 'base64')),
    caption: message.text || undefined,
  };
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

/** Sent and cancelled rows due before `before` are deleted (failed ones stay, for /outbox, until sent or pruned by hand). */
export async function pruneOutbox(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(outbox)
    .where(and(inArray(outbox.status, ['sent', 'cancelled']), lt(outbox.notBefore, before)))
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

/** What a delivery ledger (the outbox, or a feature's own) has not sent yet, for /outbox. */
export interface LedgerQueue {
  counts: QueueCount[];
  failures: QueueFailure[];
}

/**
 * Counts of one ledger table by kind and status, and its latest failure reasons: `kind` and
 * `error` are SQL expressions over the table's columns (`'directive'`, `last_error`).
 */
export async function ledgerQueue(
  db: DbOrTx,
  ledger: { table: string; kind: string; error: string },
  failures = 5,
): Promise<LedgerQueue> {
  const table = sql.raw(ledger.table);
  const kind = sql.raw(ledger.kind);
  const error = sql.raw(ledger.error);
  const counts = rowsOf<{ kind: string; status: QueueCount['status']; n: number }>(
    await db.execute(sql`
      select ${kind} as kind, status, count(*)::int as n from ${table}
      where status in ('pending', 'sending', 'failed') group by 1, 2 order by 1, 2`),
  ).map((row) => ({ kind: row.kind, status: row.status, count: Number(row.n) }));
  const failed = rowsOf<{ kind: string; error: string | null }>(
    await db.execute(sql`
      select ${kind} as kind, ${error} as error from ${table}
      where status = 'failed' order by id desc limit ${failures}`),
  ).map((row) => ({ kind: row.kind, error: row.error ?? '?' }));
  return { counts, failures: failed };
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Rows of the outbox not sent (pending, sending, failed) by kind, and the latest failure reasons. */
export function outboxQueue(db: DbOrTx, options: { failures?: number } = {}): Promise<LedgerQueue> {
  return ledgerQueue(db, { table: 'outbox', kind: 'kind', error: 'last_error' }, options.failures);
}
