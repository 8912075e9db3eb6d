import { and, desc, eq, gt, lt, notInArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { type NumberedOption, numberedPrompts } from '../../../db/schema';
import type { ChatRef } from '../../kernel/types';
import { foldChoice } from './render';

/** Prompts kept per chat: a reply by label may still answer a recent one that is not the latest. */
const KEPT_PER_CHAT = 5;
/** Older prompts are not answered any more (and are pruned). */
export const PROMPT_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

type ChatKey = Pick<ChatRef, 'platform' | 'externalId'>;

export async function rememberPrompt(
  db: DbOrTx,
  prompt: { chat: ChatKey; messageId: string; options: NumberedOption[]; now: Date },
): Promise<void> {
  const { chat } = prompt;
  const sameChat = and(
    eq(numberedPrompts.platform, chat.platform),
    eq(numberedPrompts.chatExternalId, chat.externalId),
  );
  await db.insert(numberedPrompts).values({
    platform: chat.platform,
    chatExternalId: chat.externalId,
    messageId: prompt.messageId,
    options: prompt.options,
    createdAt: prompt.now,
  });
  const kept = db
    .select({ id: numberedPrompts.id })
    .from(numberedPrompts)
    .where(sameChat)
    .orderBy(desc(numberedPrompts.id))
    .limit(KEPT_PER_CHAT);
  await db.delete(numberedPrompts).where(and(sameChat, notInArray(numberedPrompts.id, kept)));
}

export type NumberedReply =
  | { kind: 'choice'; messageId: string; option: NumberedOption }
  | { kind: 'out_of_range'; max: number };

/**
 * Reads a reply as a choice: a number picks from the latest prompt of the chat; a label picks
 * from the latest prompt that offers it. Anything else is not a choice (null).
 */
export async function readNumberedReply(
  db: DbOrTx,
  chat: ChatKey,
  text: string,
  now: Date,
): Promise<NumberedReply | null> {
  const number = /^\s*#?(\d{1,3})\s*[.)]?\s*$/.exec(text);
  const folded = number ? '' : foldChoice(text);
  if (!number && (folded === '' || folded.length > 80)) return null;
  const prompts = await db
    .select()
    .from(numberedPrompts)
    .where(
      and(
        eq(numberedPrompts.platform, chat.platform),
        eq(numberedPrompts.chatExternalId, chat.externalId),
        gt(numberedPrompts.createdAt, new Date(now.getTime() - PROMPT_LIFETIME_MS)),
      ),
    )
    .orderBy(desc(numberedPrompts.id))
    .limit(KEPT_PER_CHAT);
  if (number) {
    const latest = prompts[0];
    if (!latest) return null;
    const option = latest.options[Number(number[1]) - 1];
    return option
      ? { kind: 'choice', messageId: latest.messageId, option }
      : { kind: 'out_of_range', max: latest.options.length };
  }
  for (const prompt of prompts) {
    const option = prompt.options.find((o) => foldChoice(o.label) === folded);
    if (option) return { kind: 'choice', messageId: prompt.messageId, option };
  }
  return null;
}

/** Replaces the choices of a prompt whose message was edited (platforms that can edit). */
export async function replacePromptOptions(
  db: DbOrTx,
  chat: ChatKey,
  messageId: string,
  options: NumberedOption[],
): Promise<void> {
  const where = and(
    eq(numberedPrompts.platform, chat.platform),
    eq(numberedPrompts.chatExternalId, chat.externalId),
    eq(numberedPrompts.messageId, messageId),
  );
  if (options.length === 0) await db.delete(numberedPrompts).where(where);
  else await db.update(numberedPrompts).set({ options }).where(where);
}

export async function pruneNumberedPrompts(db: DbOrTx, olderThan: Date): Promise<number> {
  const deleted = await db
    .delete(numberedPrompts)
    .where(lt(numberedPrompts.createdAt, olderThan))
    .returning({ id: numberedPrompts.id });
  return deleted.length;
}
