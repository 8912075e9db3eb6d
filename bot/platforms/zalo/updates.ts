import { parseSlashCommand } from '../../kernel/commands';
import type { ChatRef, InboundEvent, UserRef } from '../../kernel/types';
import { updatesOf, type ZaloUpdate } from './client';

/**
 * A webhook body or one getUpdates result as core events. Webhooks have been seen both bare
 * (`{ event_name, message }`) and enveloped (`{ ok, result: {…} }`); both are read. Only text
 * messages become events: "/name args" a command, anything else a message.
 */
export function zaloEvents(body: unknown): InboundEvent[] {
  const envelope = body as { result?: unknown } | null;
  const updates: ZaloUpdate[] =
    envelope && typeof envelope === 'object' && 'result' in envelope
      ? updatesOf(envelope.result)
      : updatesOf(body);
  return updates.flatMap(toEvent);
}

function toEvent(update: ZaloUpdate): InboundEvent[] {
  const message = update.message;
  if (update.event_name !== 'message.text.received' || !message?.from || typeof message.text !== 'string') {
    return [];
  }
  if (message.from.is_bot) return [];
  const chat: ChatRef = {
    platform: 'zalo',
    externalId: String(message.chat.id),
    kind: message.chat.chat_type === 'GROUP' ? 'group' : 'dm',
  };
  const from: UserRef = {
    platform: 'zalo',
    externalId: String(message.from.id),
    displayName:
      message.from.display_name ?? message.from.first_name ?? message.from.name ?? String(message.from.id),
  };
  const updateId = String(message.message_id);
  const command = parseSlashCommand(message.text);
  if (command === 'other-bot') return [];
  if (command) return [{ kind: 'command', updateId, chat, from, ...command }];
  return [{ kind: 'message', updateId, chat, from, text: message.text }];
}
