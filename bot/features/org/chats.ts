import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, units } from '../../../db/schema';
import type { ChatRef } from '../../kernel/types';
import type { UnitRow } from './units';

export type { ChatRow } from '../../runtime/types';

import type { ChatRow } from '../../runtime/types';

export function newInviteToken(): string {
  return randomBytes(9).toString('base64url');
}

export async function findChat(db: DbOrTx, ref: Pick<ChatRef, 'platform' | 'externalId'>) {
  const [row] = await db
    .select()
    .from(chats)
    .where(and(eq(chats.platform, ref.platform), eq(chats.externalId, ref.externalId)))
    .limit(1);
  return row;
}

/** A group's row with its bound unit (or null), in one query; the row is created on first sight. */
export async function ensureChatWithUnit(
  db: DbOrTx,
  ref: ChatRef,
): Promise<{ chat: ChatRow; unit: UnitRow | null }> {
  const find = () =>
    db
      .select({ chat: chats, unit: units })
      .from(chats)
      .leftJoin(units, eq(units.id, chats.unitId))
      .where(and(eq(chats.platform, ref.platform), eq(chats.externalId, ref.externalId)))
      .limit(1);
  const [found] = await find();
  if (found) return found;
  await ensureChat(db, ref);
  const [created] = await find();
  return created!;
}

/** The chat row for a group, created on first sight (unbound). */
export async function ensureChat(db: DbOrTx, ref: ChatRef): Promise<ChatRow> {
  const existing = await findChat(db, ref);
  if (existing) return existing;
  await db
    .insert(chats)
    .values({
      platform: ref.platform,
      externalId: ref.externalId,
      title: ref.title ?? null,
      inviteToken: newInviteToken(),
    })
    .onConflictDoNothing();
  return (await findChat(db, ref))!;
}

export async function bindChat(db: DbOrTx, chatId: number, unitId: number, now: Date, title?: string) {
  await db
    .update(chats)
    .set({ unitId, boundAt: now, ...(title ? { title } : {}) })
    .where(eq(chats.id, chatId));
}

export async function unbindChat(db: DbOrTx, chatId: number) {
  await db.update(chats).set({ unitId: null, boundAt: null }).where(eq(chats.id, chatId));
}

export async function findChatByInviteToken(db: DbOrTx, token: string) {
  const [row] = await db.select().from(chats).where(eq(chats.inviteToken, token)).limit(1);
  return row;
}
