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

/**
 * OAuth tokens of a platform account that renews them (Zalo OA: the access token lives about 25
 * hours, the refresh token is single-use and replaced at each renewal). One row per account; a
 * renewal takes a transaction-scoped advisory lock so that of N processes only one calls the OAuth
 * server, and the others read what it stored. `quotaRefusals` counts sends the platform refused for
 * its message quota (this month: `quotaMonth`), for the admins' views.
 */
export const platformTokens = pgTable(
  'platform_tokens',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    account: text('account').notNull(),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    renewals: integer('renewals').notNull().default(0),
    quotaMonth: text('quota_month'),
    quotaRefusals: integer('quota_refusals').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('platform_tokens_account_uq').on(t.platform, t.account)],
);
