import { DeliveryError } from '../../kernel/errors';
import { plainTextOf } from '../../kernel/markup';
import { splitText } from '../../kernel/text';
import type { Capabilities, ChatRef, Messenger, OutgoingMessage, SentRef, UserRef } from '../../kernel/types';
import { ZaloApiError, type ZaloClient } from './client';

const MAX_TEXT = 2000;

/**
 * The Messenger port on the Zalo Bot API: text only. No buttons (the core renders numbered
 * choices), no edits, no ephemeral messages; a press made by a numbered reply is answered with a
 * message in that chat (pressId is the chat id). DMs only until Zalo lets bots into groups: then
 * getMe's can_join_groups turns `groups` on.
 */
export class ZaloMessenger implements Messenger {
  readonly platform = 'zalo' as const;
  private groups = false;

  constructor(private readonly client: ZaloClient) {}

  get capabilities(): Capabilities {
    return { buttons: false, groups: this.groups, edit: false, ephemeral: false, maxTextLength: MAX_TEXT };
  }

  enableGroups(enabled: boolean): void {
    this.groups = enabled;
  }

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    let messageId = '';
    for (const chunk of splitText(plainTextOf(message), MAX_TEXT)) {
      const sent = await this.call(() => this.client.sendMessage(chat.externalId, chunk));
      messageId = String(sent.message_id);
    }
    return { chat, messageId };
  }

  async edit(): Promise<void> {}

  /** A Zalo DM's chat id is the user's id. */
  sendDm(user: Pick<UserRef, 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.send({ platform: 'zalo', externalId: user.externalId, kind: 'dm' }, message);
  }

  async answerButton(pressId: string, text: string): Promise<void> {
    if (text) await this.send({ platform: 'zalo', externalId: pressId, kind: 'dm' }, { text });
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ZaloApiError) {
        const permanent = error.code >= 400 && error.code < 500 && error.code !== 429 && error.code !== 408;
        throw new DeliveryError(error.description, permanent, error.retryAfterSeconds);
      }
      throw error;
    }
  }
}
