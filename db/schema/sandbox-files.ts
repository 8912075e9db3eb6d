import { bigint, bigserial, customType, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { sandboxMessages } from './org';

/** Raw bytes; postgres.js hands back a Buffer and PGlite a Uint8Array, both read as Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

/** Files and pictures the bot posted in the sandbox (reports, charts), served back to the page. */
export const sandboxFiles = pgTable(
  'sandbox_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => sandboxMessages.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [index('sandbox_files_message_idx').on(t.messageId)],
);
