import type { DbOrTx } from '../../../db/client';
import type { InboundEvent } from '../../kernel/types';
import { PROMPT_LIFETIME_MS, pruneNumberedPrompts, readNumberedReply } from './prompts';

export { withCapabilityFallbacks } from './fallback-messenger';
export { readNumberedReply, rememberPrompt } from './prompts';
export { foldChoice, renderNumbered } from './render';

type MessageEvent = Extract<InboundEvent, { kind: 'message' }>;

/**
 * A message on a platform without buttons (a DM, or a group where the platform declares
 * `groupReplies`), read as a press when it answers a numbered prompt. The press answers in the same
 * chat: its pressId is the chat id (`group:<id>` for a group).
 */
export async function numberedPress(
  db: DbOrTx,
  event: MessageEvent,
  now: Date,
): Promise<Extract<InboundEvent, { kind: 'button' }> | { outOfRange: number } | null> {
  const reply = await readNumberedReply(db, event.chat, event.text, now);
  if (!reply) return null;
  if (reply.kind === 'out_of_range') return { outOfRange: reply.max };
  return {
    kind: 'button',
    chat: event.chat,
    from: event.from,
    updateId: event.updateId,
    data: reply.option.data,
    pressId: event.chat.kind === 'group' ? `group:${event.chat.externalId}` : event.chat.externalId,
    message: { chat: event.chat, messageId: reply.messageId },
  };
}

/** The daily job that forgets numbered prompts nobody can answer any more. */
export function numberedPromptsJob(db: DbOrTx) {
  return {
    name: 'prune-numbered-prompts',
    cron: '23 3 * * *',
    run: async (now: Date) => {
      await pruneNumberedPrompts(db, new Date(now.getTime() - PROMPT_LIFETIME_MS));
    },
  };
}
