import type { Context } from 'grammy';
import type { Chat, User } from 'grammy/types';
import { z } from 'zod';
import { parseSlashCommand, type SlashCommand } from '../../kernel/commands';
import type { ChatRef, InboundEvent, UserRef } from '../../kernel/types';

export function chatRef(chat: Chat): ChatRef {
  return {
    platform: 'telegram',
    externalId: String(chat.id),
    kind: chat.type === 'private' ? 'dm' : 'group',
    title: 'title' in chat ? chat.title : undefined,
  };
}

export function userRef(user: User): UserRef {
  return {
    platform: 'telegram',
    externalId: String(user.id),
    displayName: [user.first_name, user.last_name].filter(Boolean).join(' '),
    username: user.username,
    languageCode: user.language_code,
  };
}

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.object({ id: z.number().int(), type: z.string(), title: z.string().optional() });
const entity = z.object({ type: z.string(), offset: z.number(), length: z.number() });
const message = z.object({
  message_id: z.number().int(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  entities: z.array(entity).optional(),
  document: z
    .object({ file_id: z.string(), file_name: z.string().optional(), file_size: z.number().optional() })
    .optional(),
  new_chat_members: z.array(user).optional(),
  left_chat_member: user.optional(),
});
const reactionType = z.object({ type: z.string(), emoji: z.string().optional() });
/** The fields Pulse reads, with the types it reads them as; anything else in an update is ignored. */
const update = z.object({
  update_id: z.number().int(),
  message: message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      data: z.string().optional(),
      message: z.object({ message_id: z.number().int(), chat }).optional(),
    })
    .optional(),
  my_chat_member: z.object({ chat, from: user }).optional(),
  message_reaction: z
    .object({
      chat,
      message_id: z.number().int(),
      user: user.optional(),
      old_reaction: z.array(reactionType),
      new_reaction: z.array(reactionType),
    })
    .optional(),
});

/**
 * Whether the parts of an update Pulse reads have the types the Bot API documents. A malformed
 * update (a username that is an object, a chat without an id) is ignored, answered 200 so Telegram
 * does not retry it forever — never a 500, never a crash in the middleware.
 */
export function isWellFormed(raw: unknown): boolean {
  return update.safeParse(raw).success;
}

/** Downloads a file the bot was sent (getFile, then the file URL), refusing past `maxBytes`. */
export type ReadTelegramFile = (fileId: string, maxBytes: number) => Promise<Uint8Array>;

/** Maps one Telegram update to the core's events (a join of several people gives several). */
export function toEvents(ctx: Context, readFile?: ReadTelegramFile): InboundEvent[] {
  const updateId = String(ctx.update.update_id);
  const query = ctx.callbackQuery;
  if (query) {
    if (!query.data || !query.message) return [];
    const chat = chatRef(query.message.chat);
    return [
      {
        kind: 'button',
        updateId,
        chat,
        from: userRef(query.from),
        data: query.data,
        pressId: query.id,
        message: { chat, messageId: String(query.message.message_id) },
      },
    ];
  }
  const reaction = ctx.messageReaction;
  if (reaction) {
    // Anonymous reactions (a channel or an anonymous admin: `actor_chat`) have no person to count.
    if (!reaction.user || reaction.user.is_bot) return [];
    const emojiOf = (list: readonly { type: string; emoji?: string }[]) =>
      list.flatMap((r) => (r.type === 'emoji' && r.emoji ? [r.emoji] : []));
    const before = new Set(emojiOf(reaction.old_reaction));
    const added = emojiOf(reaction.new_reaction).filter((emoji) => !before.has(emoji));
    if (added.length === 0) return [];
    const chat = chatRef(reaction.chat);
    return [
      {
        kind: 'reaction',
        updateId,
        chat,
        from: userRef(reaction.user),
        emoji: added,
        message: { chat, messageId: String(reaction.message_id) },
      },
    ];
  }
  const message = ctx.message;
  if (!message?.from) return [];
  const chat = chatRef(message.chat);
  if (message.new_chat_members) {
    return message.new_chat_members
      .filter((member) => !member.is_bot)
      .map((member, index) => ({
        kind: 'member_joined',
        updateId: `${updateId}.${index}`,
        chat,
        from: userRef(member),
      }));
  }
  if (message.left_chat_member) {
    if (message.left_chat_member.is_bot) return [];
    return [{ kind: 'member_left', updateId, chat, from: userRef(message.left_chat_member) }];
  }
  const document = message.document;
  if (!message.from.is_bot && document && readFile) {
    return [
      {
        kind: 'file',
        updateId,
        chat,
        from: userRef(message.from),
        name: document.file_name ?? 'file',
        size: document.file_size ?? null,
        read: (maxBytes) => readFile(document.file_id, maxBytes),
      },
    ];
  }
  if (message.from.is_bot || typeof message.text !== 'string') return [];
  const from = userRef(message.from);
  const command = parseCommand(message.text, message.entities?.[0], ctx.me.username);
  if (command === 'other-bot') return [];
  if (command) return [{ kind: 'command', updateId, chat, from, ...command }];
  const replyTo = message.reply_to_message?.message_id;
  return [
    {
      kind: 'message',
      updateId,
      chat,
      from,
      text: message.text,
      ...(replyTo === undefined ? {} : { replyTo: String(replyTo) }),
    },
  ];
}

function parseCommand(
  text: string,
  entity: { type: string; offset: number; length: number } | undefined,
  botUsername: string,
): SlashCommand | 'other-bot' | null {
  if (entity?.type !== 'bot_command' || entity.offset !== 0) return null;
  const command = `${text.slice(0, entity.length)} ${text.slice(entity.length).trim()}`;
  return parseSlashCommand(command, botUsername);
}
