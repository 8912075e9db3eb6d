import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { sandboxMessages } from '../../../db/schema';
import type { Button, OutgoingMessage } from '../../core/types';

/** A stored sandbox message as the API and the page see it. */
export interface SandboxMessage {
  id: number;
  chat: string;
  /** A persona key, or "bot". */
  sender: string;
  text: string;
  buttons: Button[][] | null;
  /** Set on ephemeral messages: only this persona sees them. */
  visibleTo: string | null;
  createdAt: string;
  editedAt: string | null;
}

type Row = typeof sandboxMessages.$inferSelect;

function toMessage(row: Row): SandboxMessage {
  return {
    id: row.id,
    chat: row.chatKey,
    sender: row.senderKey,
    text: row.text,
    buttons: (row.buttons as Button[][] | null) ?? null,
    visibleTo: row.visibleTo,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  };
}

export async function insertMessage(
  db: Db,
  message: { chat: string; sender: string; text: string; buttons?: Button[][]; visibleTo?: string; at: Date },
): Promise<SandboxMessage> {
  const [row] = await db
    .insert(sandboxMessages)
    .values({
      chatKey: message.chat,
      senderKey: message.sender,
      text: message.text.normalize('NFC'),
      buttons: message.buttons?.length ? message.buttons : null,
      visibleTo: message.visibleTo ?? null,
      createdAt: message.at,
    })
    .returning();
  return toMessage(row!);
}

/** Replaces a message's text and buttons; undefined when there is no such message in that chat. */
export async function editMessage(
  db: Db,
  ref: { chat: string; id: number },
  message: OutgoingMessage,
  at: Date,
): Promise<SandboxMessage | undefined> {
  const [row] = await db
    .update(sandboxMessages)
    .set({
      text: message.text.normalize('NFC'),
      buttons: message.buttons?.length ? message.buttons : null,
      editedAt: at,
    })
    .where(and(eq(sandboxMessages.id, ref.id), eq(sandboxMessages.chatKey, ref.chat)))
    .returning();
  return row ? toMessage(row) : undefined;
}

const visibleTo = (persona: string) =>
  or(isNull(sandboxMessages.visibleTo), eq(sandboxMessages.visibleTo, persona));

/** The latest `limit` messages of a chat that `persona` may see, oldest first. */
export async function listMessages(
  db: Db,
  chat: string,
  persona: string,
  limit = 200,
): Promise<SandboxMessage[]> {
  const rows = await db
    .select()
    .from(sandboxMessages)
    .where(and(eq(sandboxMessages.chatKey, chat), visibleTo(persona)))
    .orderBy(desc(sandboxMessages.id))
    .limit(limit);
  return rows.reverse().map(toMessage);
}

export async function findMessage(db: Db, chat: string, id: number, persona: string) {
  const [row] = await db
    .select()
    .from(sandboxMessages)
    .where(and(eq(sandboxMessages.id, id), eq(sandboxMessages.chatKey, chat), visibleTo(persona)))
    .limit(1);
  return row ? toMessage(row) : undefined;
}
