import type { ChatRef } from '../kernel/types';

/** The sender key of the bot's own messages (persona keys are people's sandbox identities). */
export const BOT_SENDER = 'bot';

/** The bot's name in sandbox chats: "/help@PulseBot" is for Pulse, "/help@OtherBot" is not (as on Telegram). */
export const SANDBOX_BOT_USERNAME = 'PulseBot';

/** What the history keeps (and the live view shows) instead of an anonymous source's text. */
export const ANONYMOUS_PLACEHOLDER = '🔒 (góp ý ẩn danh — không lưu lại · anonymous, not kept)';

/** How a sandbox chat is named in the API and in `sandbox_messages.chat_key`. */
export type ChatKey = `grp:${string}` | `dm:${string}`;

export function chatKeyOf(chat: Pick<ChatRef, 'kind' | 'externalId'>): ChatKey {
  return chat.kind === 'dm' ? `dm:${chat.externalId}` : `grp:${chat.externalId}`;
}

export function dmKey(personaKey: string): ChatKey {
  return `dm:${personaKey}`;
}

export function parseChatKey(key: string): { kind: 'group' | 'dm'; externalId: string } | null {
  const match = /^(grp|dm):(.+)$/.exec(key);
  if (!match) return null;
  return { kind: match[1] === 'dm' ? 'dm' : 'group', externalId: match[2]! };
}
