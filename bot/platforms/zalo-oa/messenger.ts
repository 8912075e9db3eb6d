import { DeliveryError } from '../../kernel/errors';
import { plainTextOf } from '../../kernel/markup';
import { splitText } from '../../kernel/text';
import type { Capabilities, ChatRef, Messenger, OutgoingMessage, SentRef, UserRef } from '../../kernel/types';
import { type ZaloOaClient, ZaloOaError } from './client';

const MAX_TEXT = 2000;

/**
 * The Messenger port on the Zalo OA: text to a group (`/v3.0/oa/group/message`, the group id) or
 * to a user (`/v3.0/oa/message/cs`, a consultation message). Group messages do not take the OA's
 * button templates, so choices are numbered everywhere, and numbered replies are read in groups
 * too. No edits, no ephemeral messages. A quota refusal is reported to `onQuota` (counted, shown to
 * admins) and fails the send for good: the allowance is monthly.
 */
export class ZaloOaMessenger implements Messenger {
  readonly platform = 'zalo-oa' as const;
  readonly capabilities: Capabilities = {
    buttons: false,
    groups: true,
    edit: false,
    ephemeral: false,
    maxTextLength: MAX_TEXT,
    groupReplies: true,
    quotaCounted: true,
  };

  constructor(
    private readonly client: ZaloOaClient,
    private readonly onQuota: (error: ZaloOaError) => Promise<void>,
  ) {}

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    let messageId = '';
    for (const chunk of splitText(plainTextOf(message), MAX_TEXT)) {
      const sent = await this.call(() =>
        chat.kind === 'group'
          ? this.client.sendToGroup(chat.externalId, chunk)
          : this.client.sendToUser(chat.externalId, chunk),
      );
      messageId = String(sent.message_id ?? '');
    }
    return { chat, messageId };
  }

  async edit(): Promise<void> {}

  /** A user's DM with the OA is addressed by the user's id. */
  sendDm(user: Pick<UserRef, 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.send({ platform: 'zalo-oa', externalId: user.externalId, kind: 'dm' }, message);
  }

  /** A numbered reply is answered in the chat it came from (a group's is seen by the group). */
  async answerButton(pressId: string, text: string): Promise<void> {
    if (!text) return;
    const [kind, id] = pressId.startsWith('group:') ? ['group', pressId.slice(6)] : ['dm', pressId];
    await this.send({ platform: 'zalo-oa', externalId: id!, kind: kind as 'group' | 'dm' }, { text });
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ZaloOaError) {
        if (error.quota) {
          await this.onQuota(error).catch(() => {});
          throw new DeliveryError(`Zalo OA quota: ${error.description}`, true);
        }
        const transient = error.code >= 500 || error.code === 503;
        throw new DeliveryError(error.description, !transient);
      }
      throw error;
    }
  }
}
