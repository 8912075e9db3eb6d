import { parseSlashCommand } from '../kernel/commands';
import type { ChatRef, InboundEvent, SentRef, UserRef } from '../kernel/types';

/** What a persona typed: a command when it starts with "/", otherwise a plain message. */
export function textEvent(chat: ChatRef, from: UserRef, text: string, updateId: string): InboundEvent {
  const command = parseSlashCommand(text);
  if (command && command !== 'other-bot') return { kind: 'command', updateId, chat, from, ...command };
  return { kind: 'message', updateId, chat, from, text };
}

export function buttonEvent(
  message: SentRef,
  from: UserRef,
  press: { data: string; pressId: string },
): InboundEvent {
  return { kind: 'button', updateId: `press:${press.pressId}`, chat: message.chat, from, ...press, message };
}
