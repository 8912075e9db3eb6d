import type { ChatRef, InboundEvent, SentRef, UserRef } from '../kernel/types';

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/** "/link CB-KT" → { name: 'link', args: 'CB-KT' }; null for text that is not a command. */
export function parseCommand(text: string): { name: string; args: string } | null {
  const match = COMMAND.exec(text.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/** What a persona typed: a command when it starts with "/", otherwise a plain message. */
export function textEvent(chat: ChatRef, from: UserRef, text: string, updateId: string): InboundEvent {
  const command = parseCommand(text);
  if (command) return { kind: 'command', updateId, chat, from, ...command };
  return { kind: 'message', updateId, chat, from, text };
}

export function buttonEvent(
  message: SentRef,
  from: UserRef,
  press: { data: string; pressId: string },
): InboundEvent {
  return { kind: 'button', updateId: `press:${press.pressId}`, chat: message.chat, from, ...press, message };
}
