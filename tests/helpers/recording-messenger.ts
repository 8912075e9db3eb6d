import type {
  Capabilities,
  ChatRef,
  Messenger,
  OutgoingMessage,
  Platform,
  SentRef,
  UserRef,
} from '../../bot/kernel/types';

export interface RecordedSend {
  chat: ChatRef;
  message: OutgoingMessage;
  messageId: string;
}

/** A Messenger that records what the core sends, for handler tests (platform adapters have their own e2e tests). */
export class RecordingMessenger implements Messenger {
  readonly sent: RecordedSend[] = [];
  readonly edits: { ref: SentRef; message: OutgoingMessage }[] = [];
  readonly answers: { pressId: string; text: string; alert: boolean }[] = [];
  readonly ephemerals: { chat: ChatRef; user: UserRef; message: OutgoingMessage }[] = [];
  private nextId = 1;

  constructor(
    readonly platform: Platform = 'telegram',
    readonly capabilities: Capabilities = {
      buttons: true,
      groups: true,
      edit: true,
      ephemeral: false,
      maxTextLength: 4096,
    },
  ) {}

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    const messageId = String(this.nextId++);
    this.sent.push({ chat, message, messageId });
    return { chat, messageId };
  }

  async edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
    this.edits.push({ ref, message });
  }

  sendDm(user: Pick<UserRef, 'platform' | 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.send({ platform: user.platform, externalId: user.externalId, kind: 'dm' }, message);
  }

  async answerButton(pressId: string, text: string, options?: { alert?: boolean }): Promise<void> {
    this.answers.push({ pressId, text, alert: options?.alert ?? false });
  }

  texts(chatExternalId?: string): string[] {
    return this.sent
      .filter((s) => chatExternalId === undefined || s.chat.externalId === chatExternalId)
      .map((s) => s.message.text);
  }

  last(): RecordedSend | undefined {
    return this.sent.at(-1);
  }

  clear(): void {
    this.sent.length = 0;
    this.edits.length = 0;
    this.answers.length = 0;
    this.ephemerals.length = 0;
  }
}
