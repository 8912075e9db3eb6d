import { type Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { DeliveryError } from '../../kernel/errors';
import { markupToPlain } from '../../kernel/markup';
import { splitText } from '../../kernel/text';
import type {
  Button,
  Capabilities,
  ChatRef,
  Messenger,
  OutgoingFile,
  OutgoingImage,
  OutgoingMessage,
  SentRef,
  UserRef,
} from '../../kernel/types';
import { markupToHtml } from './markup';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
/** answerCallbackQuery takes 0-200 characters; past about two lines a toast is cut, so an alert shows it. */
const MAX_ANSWER = 200;
const MAX_TOAST = 100;

/**
 * The Messenger port on the Bot API. Plain text is sent without a parse mode, so user text cannot
 * break markup; `format: 'markup'` is rendered to HTML with every source character escaped.
 */
export class TelegramMessenger implements Messenger {
  readonly platform = 'telegram' as const;
  readonly capabilities: Capabilities = {
    buttons: true,
    groups: true,
    edit: true,
    ephemeral: false,
    answerLength: MAX_ANSWER,
    maxTextLength: MAX_TEXT,
    files: true,
    images: true,
  };

  /** `bulkApi`: the same bot without auto-retry, for `bulk` messages (the caller retries them). */
  constructor(
    private readonly api: Api,
    private readonly botUsername: () => string,
    private readonly bulkApi: Api = api,
  ) {}

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    const { text, parseMode } = render(message);
    const chunks = parseMode ? [text] : splitText(text, MAX_TEXT);
    const api = message.bulk ? this.bulkApi : this.api;
    let last: SentRef | undefined;
    for (const [index, chunk] of chunks.entries()) {
      const isLast = index === chunks.length - 1;
      const sent = await this.call(() =>
        api.sendMessage(chat.externalId, chunk, {
          parse_mode: parseMode,
          link_preview_options: { is_disabled: true },
          reply_markup: isLast && message.buttons ? this.keyboard(message.buttons) : undefined,
        }),
      );
      last = { chat, messageId: String(sent.message_id) };
    }
    return last!;
  }

  async edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
    const { text, parseMode } = render(message);
    try {
      await this.call(() =>
        this.api.editMessageText(
          ref.chat.externalId,
          Number(ref.messageId),
          parseMode ? text : text.slice(0, MAX_TEXT),
          {
            parse_mode: parseMode,
            link_preview_options: { is_disabled: true },
            reply_markup: message.buttons ? this.keyboard(message.buttons) : undefined,
          },
        ),
      );
    } catch (error) {
      if (error instanceof DeliveryError && /not modified/i.test(error.message)) return;
      throw error;
    }
  }

  /** A document upload (multipart), so Word, CSV and Markdown files arrive as files. */
  async sendFile(chat: ChatRef, file: OutgoingFile): Promise<SentRef> {
    const api = file.bulk ? this.bulkApi : this.api;
    const sent = await this.call(() =>
      api.sendDocument(chat.externalId, new InputFile(file.data, file.name), {
        caption: file.caption?.slice(0, MAX_CAPTION),
      }),
    );
    return { chat, messageId: String(sent.message_id) };
  }

  async sendImage(chat: ChatRef, image: OutgoingImage): Promise<SentRef> {
    const sent = await this.call(() =>
      this.api.sendPhoto(chat.externalId, new InputFile(image.data, image.name), {
        caption: image.caption?.slice(0, MAX_CAPTION),
      }),
    );
    return { chat, messageId: String(sent.message_id) };
  }

  sendDm(user: Pick<UserRef, 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    return this.send({ platform: 'telegram', externalId: user.externalId, kind: 'dm' }, message);
  }

  /**
   * The answer only the presser sees, even in a group: a toast, or an alert (a box to close) when
   * asked for or longer than a toast shows. The core keeps it within `answerLength`.
   */
  async answerButton(pressId: string, text: string, options?: { alert?: boolean }): Promise<void> {
    const shown = text.slice(0, MAX_ANSWER);
    const alert = (options?.alert ?? false) || shown.length > MAX_TOAST;
    await this.call(() =>
      this.api.answerCallbackQuery(pressId, { text: shown || undefined, show_alert: alert }),
    );
  }

  private keyboard(rows: Button[][]): { inline_keyboard: InlineKeyboardButton[][] } {
    return {
      inline_keyboard: rows.map((row) =>
        row.map((button) =>
          'data' in button
            ? { text: button.label, callback_data: button.data }
            : { text: button.label, url: `https://t.me/${this.botUsername()}?start=${button.startPayload}` },
        ),
      ),
    };
  }

  /** Maps Bot API failures to DeliveryError (auto-retry has already waited out 429s). */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof GrammyError) {
        const permanent =
          error.error_code === 403 ||
          (error.error_code === 400 &&
            /chat not found|user not found|kicked|blocked|deactivated|query is too old|query id is invalid/i.test(
              error.description,
            ));
        throw new DeliveryError(error.description, permanent, error.parameters.retry_after);
      }
      if (error instanceof HttpError) throw new DeliveryError(error.message, false);
      throw error;
    }
  }
}

/** Markup becomes HTML when it fits one message; longer texts go out as plain chunks. */
function render(message: OutgoingMessage): { text: string; parseMode?: 'HTML' } {
  if (message.format !== 'markup') return { text: message.text };
  const html = markupToHtml(message.text);
  return html.length <= MAX_TEXT ? { text: html, parseMode: 'HTML' } : { text: markupToPlain(message.text) };
}
