import type {
  Capabilities,
  ChatRef,
  Messenger,
  OutgoingMessage,
  Platform,
  SentRef,
  UserRef,
} from '../kernel/types';

/** Sends through whichever platform a chat or user belongs to. */
export class MessengerRouter {
  private readonly messengers = new Map<Platform, Messenger>();

  register(messenger: Messenger): void {
    this.messengers.set(messenger.platform, messenger);
  }

  platforms(): Platform[] {
    return [...this.messengers.keys()];
  }

  has(platform: Platform): boolean {
    return this.messengers.has(platform);
  }

  for(platform: Platform): Messenger {
    const messenger = this.messengers.get(platform);
    if (!messenger) throw new Error(`No messenger for platform ${platform}`);
    return messenger;
  }

  capabilities(platform: Platform): Capabilities {
    return this.for(platform).capabilities;
  }

  send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    return this.for(chat.platform).send(chat, message);
  }

  edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
    return this.for(ref.chat.platform).edit(ref, message);
  }

  sendDm(user: Pick<UserRef, 'platform' | 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.for(user.platform).sendDm(user, message);
  }

  answerButton(platform: Platform, pressId: string, text: string, options?: { alert?: boolean }) {
    return this.for(platform).answerButton(pressId, text, options);
  }

  /** A private reply in a group: ephemeral where the platform has it, otherwise a DM. */
  async sendPrivately(chat: ChatRef, user: UserRef, message: OutgoingMessage): Promise<void> {
    const messenger = this.for(user.platform);
    if (chat.kind === 'group' && messenger.sendEphemeral) await messenger.sendEphemeral(chat, user, message);
    else await messenger.sendDm(user, message);
  }
}
