import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { QueuedMessage } from '../../bot/kernel/types';
import { PLATFORMS } from '../../bot/kernel/types';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The one outbox (bot/runtime/outbox): a message Pulse sends on its own initiative, written before
 * the send under a unique key (so writing it twice, or a retried job, queues it once), claimed with
 * FOR UPDATE SKIP LOCKED, marked after the send. `target`: a group or DM chat (`send`), or a person's
 * account (`user`: the platform opens the DM). `op = 'edit'` rewrites the message `message_id`
 * (a closed poll's copies). The payload is the messenger's neutral message (text, format, buttons),
 * or a document with its caption (a compiled situation report).
 * No person or author column: a DM row holds the platform account it goes to, as the ledgers do.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull().unique(),
    kind: text('kind').notNull(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    target: text('target', { enum: ['group', 'dm', 'user'] }).notNull(),
    externalId: text('external_id').notNull(),
    op: text('op', { enum: ['send', 'edit'] })
      .notNull()
      .default('send'),
    /** For an edit: the message rewritten. */
    messageId: text('message_id'),
    payload: jsonb('payload').$type<QueuedMessage>().notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'cancelled'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    notBefore: at('not_before').notNull(),
    /** The lease: a live sender renews it, a dead one's row is taken over once it is older than the lease. */
    claimedAt: at('claimed_at'),
    /** Where the message went (the DM a `user` row opened) and its id, for later edits. */
    sentChatId: text('sent_chat_id'),
    sentMessageId: text('sent_message_id'),
  },
  (t) => [
    index('outbox_due_idx').on(t.notBefore).where(sql`${t.status} in ('pending', 'sending')`),
    index('outbox_kind_status_idx').on(t.kind, t.status),
  ],
);
