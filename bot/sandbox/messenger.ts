import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { DeliveryError } from '../kernel/errors';
import { plainTextOf } from '../kernel/markup';
import { splitText } from '../kernel/text';
import type {
  Capabilities,
  ChatRef,
  Clock,
  Messenger,
  OutgoingFile,
  OutgoingImage,
  OutgoingMessage,
  SentRef,
  UserRef,
} from '../kernel/types';
import type { SandboxHub } from './hub';
import { BOT_SENDER, chatKeyOf } from './keys';
import { editMessage, insertFileMessage, insertMessage } from './store';

const MAX_TEXT = 4096;
/** Telegram takes documents up to 50 MB; the sandbox keeps its database small. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Presses never answered (a handler that crashed before answering) are forgotten past this many. */
const MAX_OPEN_PRESSES = 1000;

/** The Messenger port on the sandbox's own store: every bot message is a row and a live event. */
export class SandboxMessenger implements Messenger {
  readonly platform = 'sandbox' as const;
  readonly capabilities: Capabilities = {
    buttons: true,
    groups: true,
    edit: true,
    ephemeral: true,
    maxTextLength: MAX_TEXT,
    files: true,
    images: true,
  };
  /** Press id → the persona who pressed, until the press is answered. */
  private readonly presses = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hub: SandboxHub,
  ) {}

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    // Markup that fits is kept whole (its spans are rendered); longer text goes as plain chunks.
    const markup = message.format === 'markup' && message.text.length <= MAX_TEXT;
    const chunks = markup ? [message.text] : splitText(plainTextOf(message), MAX_TEXT);
    let last: SentRef | undefined;
    for (const [index, text] of chunks.entries()) {
      const buttons = index === chunks.length - 1 ? message.buttons : undefined;
      const stored = await insertMessage(this.db, {
        chat: chatKeyOf(chat),
        sender: BOT_SENDER,
        text,
        format: markup ? 'markup' : 'plain',
        buttons,
        at: this.clock.now(),
      });
      await this.hub.publish(stored);
      last = { chat, messageId: String(stored.id) };
    }
    return last!;
  }

  async edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
    const edited = await editMessage(
      this.db,
      { chat: chatKeyOf(ref.chat), id: Number(ref.messageId) },
      { ...message, ...fitted(message) },
      this.clock.now(),
    );
    if (!edited) throw new DeliveryError('message to edit not found', true);
    await this.hub.publish(edited);
  }

  sendFile(chat: ChatRef, file: OutgoingFile): Promise<SentRef> {
    return this.attach(chat, file);
  }

  sendImage(chat: ChatRef, image: OutgoingImage): Promise<SentRef> {
    return this.attach(chat, { ...image, mime: imageType(image.data) });
  }

  private async attach(chat: ChatRef, file: OutgoingFile): Promise<SentRef> {
    if (file.data.byteLength > MAX_FILE_BYTES) {
      throw new DeliveryError(`file larger than ${MAX_FILE_BYTES} bytes`, true);
    }
    const stored = await insertFileMessage(this.db, {
      chat: chatKeyOf(chat),
      sender: BOT_SENDER,
      caption: file.caption?.slice(0, MAX_TEXT),
      file,
      at: this.clock.now(),
    });
    await this.hub.publish(stored);
    return { chat, messageId: String(stored.id) };
  }

  sendDm(user: Pick<UserRef, 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.send({ platform: 'sandbox', externalId: user.externalId, kind: 'dm' }, message);
  }

  async sendEphemeral(chat: ChatRef, user: UserRef, message: OutgoingMessage): Promise<void> {
    const stored = await insertMessage(this.db, {
      chat: chatKeyOf(chat),
      sender: BOT_SENDER,
      ...fitted(message),
      buttons: message.buttons,
      visibleTo: user.externalId,
      at: this.clock.now(),
    });
    await this.hub.publish(stored);
  }

  /** A toast for the persona who pressed; not stored. An empty answer just closes the press. */
  async answerButton(pressId: string, text: string, options?: { alert?: boolean }): Promise<void> {
    const persona = this.presses.get(pressId);
    this.presses.delete(pressId);
    if (persona && text) this.hub.toast(persona, { text, alert: options?.alert ?? false });
  }

  /** Opens a press for `persona`; the id travels in the button event and comes back in answerButton. */
  openPress(persona: string): string {
    const id = randomUUID();
    this.presses.set(id, persona);
    if (this.presses.size > MAX_OPEN_PRESSES) this.presses.delete(this.presses.keys().next().value!);
    return id;
  }
}

/** The message as stored: markup kept when it fits, otherwise plain text cut to the limit. */
function fitted(message: OutgoingMessage): { text: string; format: 'plain' | 'markup' } {
  if (message.format === 'markup' && message.text.length <= MAX_TEXT) {
    return { text: message.text, format: 'markup' };
  }
  return { text: plainTextOf(message).slice(0, MAX_TEXT), format: 'plain' };
}

/** The picture's type from its first bytes (the port gives none for images). */
function imageType(data: Uint8Array): string {
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return 'application/octet-stream';
}
