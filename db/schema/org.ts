import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { LOCALES } from '../../bot/kernel/i18n';
import { PLATFORMS } from '../../bot/kernel/types';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The organisation tree. `path` is the chain of ids from the root, e.g. "/1/4/9/", for subtree checks. */
export const units = pgTable(
  'units',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => units.id),
    path: text('path').notNull(),
    depth: integer('depth').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('units_code_uq').on(t.code), index('units_path_idx').on(t.path)],
);

export const people = pgTable(
  'people',
  {
    id: serial('id').primaryKey(),
    displayName: text('display_name').notNull(),
    /** Stable key given in a scenario file; null for people first seen in a chat. */
    scenarioKey: text('scenario_key'),
    locale: text('locale', { enum: LOCALES }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('people_scenario_key_uq').on(t.scenarioKey)],
);

/** One row per platform account; several accounts may belong to one person. */
export const identities = pgTable(
  'identities',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    externalId: text('external_id').notNull(),
    username: text('username'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('identities_platform_external_uq').on(t.platform, t.externalId),
    index('identities_username_idx').on(t.platform, t.username),
    index('identities_person_idx').on(t.personId),
  ],
);

/**
 * A role on a unit covers its subtree. `unitId` null means the whole organisation
 * (bootstrap admins from BOT_ADMINS). `source` tells who owns the row, so a scenario
 * apply only revokes what a scenario granted.
 */
export const roles = pgTable(
  'roles',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id').references(() => units.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['admin', 'leader', 'collaborator', 'worker'] }).notNull(),
    source: text('source', { enum: ['env', 'scenario', 'command', 'seen'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('roles_person_unit_role_uq')
      .on(t.personId, t.unitId, t.role)
      .where(sql`${t.unitId} is not null`),
    uniqueIndex('roles_person_global_role_uq').on(t.personId, t.role).where(sql`${t.unitId} is null`),
    index('roles_unit_idx').on(t.unitId),
    // Every update looks up its person's roles; the partial unique indexes above cannot serve that.
    index('roles_person_idx').on(t.personId),
  ],
);

/** Group chats (and channels) the bot is in; bound to a unit by /link or a scenario. */
export const chats = pgTable(
  'chats',
  {
    id: serial('id').primaryKey(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    externalId: text('external_id').notNull(),
    title: text('title'),
    unitId: integer('unit_id').references(() => units.id, { onDelete: 'set null' }),
    /** Random token for deep links (t.me/<bot>?start=<token>) that open a DM with this chat's unit known. */
    inviteToken: text('invite_token').notNull(),
    boundAt: timestamp('bound_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('chats_platform_external_uq').on(t.platform, t.externalId),
    uniqueIndex('chats_invite_token_uq').on(t.inviteToken),
    index('chats_unit_idx').on(t.unitId),
  ],
);

/** Who is in which bound chat. Membership only: nothing here relates to anything a person answered. */
export const chatMembers = pgTable(
  'chat_members',
  {
    chatId: integer('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    active: boolean('active').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.personId] }), index('chat_members_person_idx').on(t.personId)],
);

/** Admin actions: who, what, when, result. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorPersonId: integer('actor_person_id').references(() => people.id, { onDelete: 'set null' }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    command: text('command').notNull(),
    args: text('args').notNull(),
    result: text('result', { enum: ['ok', 'refused', 'usage', 'error'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/** Inbound update ids already handled (webhook retries, several processes). Pruned by the scheduler. */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    updateKey: text('update_key').notNull(),
    /** The hour the update was claimed, never finer: an exact time would date the feedback it carried. */
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.updateKey] }),
    index('processed_updates_at_idx').on(t.at),
    check(
      'processed_updates_at_hour',
      sql`${t.at} = date_trunc('hour', ${t.at} at time zone 'UTC') at time zone 'UTC'`,
    ),
  ],
);

/** The sandbox platform's chat history, so a restart keeps the conversation. */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatKey: text('chat_key').notNull(),
    senderKey: text('sender_key').notNull(),
    text: text('text').notNull(),
    buttons: jsonb('buttons'),
    /** 'markup' when `text` is the bot's markup source (bold, links), rendered by the page; null: plain. */
    format: text('format'),
    /** Set on bot messages only visible to one persona (ephemeral confirmations). */
    visibleTo: text('visible_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
  },
  (t) => [index('sandbox_messages_chat_idx').on(t.chatKey, t.id)],
);
