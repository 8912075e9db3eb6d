import { parseSlashCommand } from '../kernel/commands';
import type { ChatRef, InboundEvent, SentRef, UserRef } from '../kernel/types';
import { SANDBOX_BOT_USERNAME } from './keys';

/**
 * What a persona typed: a command when it starts with "/", otherwise a plain message; undefined
 * for a command addressed to another bot ("/help@OtherBot"), which Pulse leaves alone like Telegram.
 */
export function textEvent(
  chat: ChatRef,
  from: UserRef,
  text: string,
  updateId: string,
): InboundEvent | undefined {
  const command = parseSlashCommand(text, SANDBOX_BOT_USERNAME);
  if (command === 'other-bot') return undefined;
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
