import { createHash } from 'node:crypto';
import { parseSlashCommand } from '../../kernel/commands';
import type { ChatRef, InboundEvent, UserRef } from '../../kernel/types';

/**
 * One OA webhook body as core events, purely. Read: `user_send_text` (a DM), `user_send_group_text`
 * (a group message; the group is `recipient.group_id`, else `message.conversation_id`, else
 * `recipient.id`), `user_join_group` and `user_out_group` (the member is `sender.id`, else
 * `user.id`). Everything else (follows, the OA's own sends, seen receipts, media) gives no event.
 * "/name args" is a command. `names` supplies the display name of a sender Pulse looked up.
 */
export function zaloOaEvents(body: unknown, names: (userId: string) => string | undefined): InboundEvent[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as Record<string, unknown>;
  const event = typeof b.event_name === 'string' ? b.event_name : '';
  const sender = objectOf(b.sender);
  const recipient = objectOf(b.recipient);
  const message = objectOf(b.message);
  const fromId = idOf(sender?.id) ?? idOf(objectOf(b.user)?.id);
  if (!fromId) return [];
  const from: UserRef = {
    platform: 'zalo-oa',
    externalId: fromId,
    displayName: nameOf(sender) ?? names(fromId) ?? fromId,
  };
  const groupId =
    idOf(recipient?.group_id) ?? idOf(message?.conversation_id) ?? idOf(b.group_id) ?? idOf(recipient?.id);
  const group = (id: string): ChatRef => ({ platform: 'zalo-oa', externalId: id, kind: 'group' });
  const msgId = idOf(message?.msg_id);
  const updateId =
    msgId ?? `raw:${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}`;

  if (event === 'user_join_group' || event === 'user_out_group') {
    if (!groupId) return [];
    return [
      {
        kind: event === 'user_join_group' ? 'member_joined' : 'member_left',
        updateId,
        chat: group(groupId),
        from,
      },
    ];
  }
  if (event !== 'user_send_text' && event !== 'user_send_group_text') return [];
  const text = message?.text;
  if (typeof text !== 'string' || text.length === 0) return [];
  let chat: ChatRef;
  if (event === 'user_send_group_text') {
    if (!groupId) return [];
    chat = group(groupId);
  } else {
    chat = { platform: 'zalo-oa', externalId: fromId, kind: 'dm' };
  }
  const command = parseSlashCommand(text);
  if (command === 'other-bot') return [];
  if (command) return [{ kind: 'command', updateId, chat, from, ...command }];
  return [{ kind: 'message', updateId, chat, from, text }];
}

/** The sender of an event, for a profile lookup before mapping (DMs: people who follow the OA). */
export function senderOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  return nameOf(objectOf(b.sender))
    ? undefined
    : (idOf(objectOf(b.sender)?.id) ?? idOf(objectOf(b.user)?.id));
}

const objectOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** Ids arrive as strings (large numbers); a number is read too. */
const idOf = (value: unknown): string | undefined =>
  (typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value)) ||
  (typeof value === 'number' && Number.isSafeInteger(value))
    ? String(value)
    : undefined;

function nameOf(user: Record<string, unknown> | undefined): string | undefined {
  for (const name of [user?.display_name, user?.name])
    if (typeof name === 'string' && name.trim()) return name.slice(0, 128);
  return undefined;
}
