import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../../bot/kernel/types';
import { identities, people } from './org';

/** One choice of a numbered prompt: what the user sees and the button data it stands for. */
export interface NumberedOption {
  label: string;
  data: string;
}

/**
 * Messages with buttons sent to a chat on a platform without buttons (Zalo), rendered as numbered
 * choices. A reply "2" (or a choice's label) in that chat is read as a press of the latest prompt's
 * button. Only what was offered is kept, never what was answered. A few of the latest per chat.
 */
export const numberedPrompts = pgTable(
  'numbered_prompts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    chatExternalId: text('chat_external_id').notNull(),
    messageId: text('message_id').notNull(),
    options: jsonb('options').$type<NumberedOption[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('numbered_prompts_chat_idx').on(t.platform, t.chatExternalId, t.id)],
);

/**
 * One-time codes that link another platform account to a person (/linkaccount). Only a hash of the
 * code is stored. `claimedIdentityId` is the account that typed the code and must confirm.
 */
export const linkCodes = pgTable(
  'link_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    issuedOn: text('issued_on', { enum: PLATFORMS }).notNull(),
    codeHash: text('code_hash').notNull(),
    claimedIdentityId: integer('claimed_identity_id').references(() => identities.id, {
      onDelete: 'set null',
    }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('link_codes_hash_uq').on(t.codeHash), index('link_codes_person_idx').on(t.personId)],
);
