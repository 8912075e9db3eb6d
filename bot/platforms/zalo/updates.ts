import { createHash } from 'node:crypto';
import { parseSlashCommand } from '../../kernel/commands';
import type { ChatRef, InboundEvent, UserRef } from '../../kernel/types';
import { hourOf } from '../../runtime/dedup';
import { updatesOf, type ZaloUpdate } from './client';

/**
 * A webhook body or one getUpdates result as core events. Webhooks have been seen both bare
 * (`{ event_name, message }`) and enveloped (`{ ok, result: {…} }`); both are read. Only text
 * messages become events: "/name args" a command, anything else a message.
 */
export function zaloEvents(body: unknown, now: Date): InboundEvent[] {
  const envelope = body as { result?: unknown } | null;
  const updates: ZaloUpdate[] =
    envelope && typeof envelope === 'object' && 'result' in envelope
      ? updatesOf(envelope.result)
      : updatesOf(body);
  return updates.flatMap((update) => toEvent(update, now));
}

/** A chat or user id as Zalo sends them: a non-empty string or a number. */
const idOf = (value: unknown): string | undefined =>
  (typeof value === 'string' && value.length > 0 && value.length <= 128) ||
  (typeof value === 'number' && Number.isFinite(value))
    ? String(value)
    : undefined;

/**
 * The dedup key of an update: its `message_id` when it has one. Without it (seen in the wild),
 * a hash of the whole update with the hour it arrived: a retry of that very update within the
 * hour is dropped, and two different updates never share a key (the old `zalo:undefined`
 * dropped every later one). Two byte-identical updates in one hour are taken as one retry.
 */
function updateKeyOf(update: ZaloUpdate, now: Date): string {
  const id = idOf(update.message?.message_id);
  if (id) return id;
  const digest = createHash('sha256')
    .update(`${hourOf(now).toISOString()}\n${JSON.stringify(update)}`)
    .digest('hex');
  return `raw:${digest.slice(0, 32)}`;
}

/** One update as events; an update missing what an event needs (chat, sender, text) gives none. */
function toEvent(update: ZaloUpdate, now: Date): InboundEvent[] {
  const message = update.message;
  if (update.event_name !== 'message.text.received' || !message?.from || typeof message.text !== 'string') {
    return [];
  }
  if (message.from.is_bot) return [];
  const chatId = idOf(message.chat?.id);
  const fromId = idOf(message.from.id);
  if (!chatId || !fromId) return [];
  const chat: ChatRef = {
    platform: 'zalo',
    externalId: chatId,
    kind: message.chat.chat_type === 'GROUP' ? 'group' : 'dm',
  };
  const from: UserRef = {
    platform: 'zalo',
    externalId: fromId,
    displayName: nameOf(message.from) ?? fromId,
  };
  const updateId = updateKeyOf(update, now);
  const command = parseSlashCommand(message.text);
  if (command === 'other-bot') return [];
  if (command) return [{ kind: 'command', updateId, chat, from, ...command }];
  return [{ kind: 'message', updateId, chat, from, text: message.text }];
}

function nameOf(user: { display_name?: unknown; first_name?: unknown; name?: unknown }): string | undefined {
  for (const name of [user.display_name, user.first_name, user.name])
    if (typeof name === 'string' && name.trim()) return name;
  return undefined;
}
