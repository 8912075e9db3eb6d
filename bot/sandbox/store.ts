import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sandboxFiles, sandboxMessages } from '../../db/schema';
import { type MarkupLine, parseMarkup, plainTextOf } from '../kernel/markup';
import type { Button, OutgoingMessage } from '../kernel/types';

/** A stored sandbox message as the API and the page see it. */
export interface SandboxMessage {
  id: number;
  chat: string;
  /** A persona key, or "bot". */
  sender: string;
  /** The text as plain words (markup markers dropped, links as "text (url)"). */
  text: string;
  /**
   * A bot message's bold, italic and links, parsed on the server: the page builds elements from
   * these spans (text as text, links only http(s)). Null for plain messages and everything people type.
   */
  markup: MarkupLine[] | null;
  buttons: Button[][] | null;
  /** Set on ephemeral messages: only this persona sees them. */
  visibleTo: string | null;
  createdAt: string;
  editedAt: string | null;
  /** A file or picture the message carries; its bytes are at `/sandbox/api/files/:id`. */
  file: SandboxFile | null;
}

export interface SandboxFile {
  id: number;
  name: string;
  mime: string;
  size: number;
  /** Shown inline on the page (PNG or JPEG); anything else is a download link. */
  image: boolean;
}

/** The picture types the page shows inline; everything else is served as a download. */
export const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);

type Row = typeof sandboxMessages.$inferSelect;

function toMessage(row: Row, file: SandboxFile | null = null): SandboxMessage {
  return {
    id: row.id,
    chat: row.chatKey,
    sender: row.senderKey,
    text: plainTextOf({ text: row.text, format: row.format === 'markup' ? 'markup' : 'plain' }),
    markup: row.format === 'markup' ? parseMarkup(row.text) : null,
    buttons: (row.buttons as Button[][] | null) ?? null,
    visibleTo: row.visibleTo,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    file,
  };
}

const fileColumns = {
  id: sandboxFiles.id,
  messageId: sandboxFiles.messageId,
  name: sandboxFiles.name,
  mime: sandboxFiles.mime,
  size: sandboxFiles.size,
};

/** Messages with their files, in one query for the whole list. */
async function withFiles(db: Db, rows: Row[]): Promise<SandboxMessage[]> {
  if (rows.length === 0) return [];
  const files = await db
    .select(fileColumns)
    .from(sandboxFiles)
    .where(
      inArray(
        sandboxFiles.messageId,
        rows.map((row) => row.id),
      ),
    );
  const byMessage = new Map(files.map(({ messageId, ...file }) => [messageId, toFile(file)]));
  return rows.map((row) => toMessage(row, byMessage.get(row.id) ?? null));
}

function toFile(file: Omit<SandboxFile, 'image'>): SandboxFile {
  return { ...file, image: INLINE_IMAGE_TYPES.has(file.mime) };
}

/** A bot message carrying a file: the message and the bytes are stored together or not at all. */
export async function insertFileMessage(
  db: Db,
  message: {
    chat: string;
    sender: string;
    caption?: string;
    file: { name: string; mime: string; data: Uint8Array };
    visibleTo?: string;
    at: Date;
  },
): Promise<SandboxMessage> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(sandboxMessages)
      .values({
        chatKey: message.chat,
        senderKey: message.sender,
        text: (message.caption ?? '').normalize('NFC'),
        visibleTo: message.visibleTo ?? null,
        createdAt: message.at,
      })
      .returning();
    const [file] = await tx
      .insert(sandboxFiles)
      .values({
        messageId: row!.id,
        name: message.file.name.normalize('NFC'),
        mime: message.file.mime,
        size: message.file.data.byteLength,
        bytes: message.file.data,
      })
      .returning(fileColumns);
    const { messageId: _, ...view } = file!;
    return toMessage(row!, toFile(view));
  });
}

/** A stored file with the chat and audience of the message that carries it. */
export async function findFile(db: Db, id: number) {
  const [row] = await db
    .select({
      name: sandboxFiles.name,
      mime: sandboxFiles.mime,
      bytes: sandboxFiles.bytes,
      chat: sandboxMessages.chatKey,
      visibleTo: sandboxMessages.visibleTo,
    })
    .from(sandboxFiles)
    .innerJoin(sandboxMessages, eq(sandboxMessages.id, sandboxFiles.messageId))
    .where(eq(sandboxFiles.id, id))
    .limit(1);
  return row;
}

export async function insertMessage(
  db: Db,
  message: {
    chat: string;
    sender: string;
    text: string;
    /** 'markup' only for the bot's own markup messages; what people type is always plain. */
    format?: 'plain' | 'markup';
    buttons?: Button[][];
    visibleTo?: string;
    at: Date;
  },
): Promise<SandboxMessage> {
  const [row] = await db
    .insert(sandboxMessages)
    .values({
      chatKey: message.chat,
      senderKey: message.sender,
      text: message.text.normalize('NFC'),
      format: message.format === 'markup' ? 'markup' : null,
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
      format: message.format === 'markup' ? 'markup' : null,
      buttons: message.buttons?.length ? message.buttons : null,
      editedAt: at,
    })
    .where(and(eq(sandboxMessages.id, ref.id), eq(sandboxMessages.chatKey, ref.chat)))
    .returning();
  return row ? (await withFiles(db, [row]))[0] : undefined;
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
  return withFiles(db, rows.reverse());
}

export async function findMessage(db: Db, chat: string, id: number, persona: string) {
  const [row] = await db
    .select()
    .from(sandboxMessages)
    .where(and(eq(sandboxMessages.id, id), eq(sandboxMessages.chatKey, chat), visibleTo(persona)))
    .limit(1);
  return row ? (await withFiles(db, [row]))[0] : undefined;
}
