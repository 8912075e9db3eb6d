import type { webApi } from '@slack/bolt';
import { DeliveryError } from '../../kernel/errors';
import { splitText } from '../../kernel/text';
import type {
  Button,
  Capabilities,
  ChatRef,
  Messenger,
  OutgoingMessage,
  SentRef,
  UserRef,
} from '../../kernel/types';
import { escapeSlackText, markupToSlack } from './markup';
import type { ResponseUrls } from './response-urls';

type WebClient = webApi.WebClient;

/** A section block holds up to 3,000 characters; longer texts go out as several messages. */
const MAX_TEXT = 3000;
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_not_visible',
  'cannot_dm_bot',
  'account_inactive',
  'user_disabled',
  'messages_tab_disabled',
  'restricted_action',
]);

/**
 * The Messenger port on the Slack Web API: text as plain text, buttons as Block Kit actions
 * (`value` = the button's data), private replies as ephemeral messages. A button press is answered
 * with an ephemeral message to the presser, since Slack has no toast.
 */
export class SlackMessenger implements Messenger {
  readonly platform = 'slack' as const;
  readonly capabilities: Capabilities = {
    buttons: true,
    groups: true,
    edit: true,
    ephemeral: true,
    maxTextLength: MAX_TEXT,
    privateCommands: true,
  };
  private readonly dmChannels = new Map<string, string>();
  /** Answers to presses made on a Home tab, shown on the republished page instead of a message. */
  private readonly homeAnswers = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly responseUrls: ResponseUrls,
  ) {}

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
    const channel = await this.channelOf(chat);
    const chunks = splitText(message.text, MAX_TEXT);
    let ts = '';
    for (const [index, chunk] of chunks.entries()) {
      const buttons = index === chunks.length - 1 ? message.buttons : undefined;
      const sent = await this.call(() =>
        this.client.chat.postMessage({
          channel,
          ...this.content(chunk, buttons, message.format),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      ts = String(sent.ts);
    }
    return { chat: { ...chat, externalId: channel }, messageId: ts };
  }

  async edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
    const content = this.content(message.text.slice(0, MAX_TEXT), message.buttons, message.format);
    await this.call(() =>
      this.client.chat.update({
        channel: ref.chat.externalId,
        ts: ref.messageId,
        ...content,
        blocks: content.blocks ?? [],
      }),
    );
  }

  async sendDm(user: Pick<UserRef, 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
    const channel = await this.dmChannel(user.externalId);
    return this.send({ platform: 'slack', externalId: channel, kind: 'dm' }, message);
  }

  /**
   * `pressId` is "<channel>|<user>": the answer is an ephemeral message to the presser there; for a
   * press on the Home tab ("home|<user>|<trigger>") it is kept for the page (`takeHomeAnswer`).
   */
  async answerButton(pressId: string, text: string): Promise<void> {
    if (pressId.startsWith('home|')) {
      if (text) this.homeAnswers.set(pressId, text);
      return;
    }
    if (!text) return;
    const [channel = '', user = ''] = pressId.split('|');
    await this.sendEphemeral(
      { platform: 'slack', externalId: channel, kind: channel.startsWith('D') ? 'dm' : 'group' },
      { platform: 'slack', externalId: user, displayName: user },
      { text },
    );
  }

  /**
   * Prefers the response_url of the user's latest command or press in that channel (works even
   * where the bot is not a member), else chat.postEphemeral.
   */
  async sendEphemeral(chat: ChatRef, user: UserRef, message: OutgoingMessage): Promise<void> {
    const content = this.content(message.text.slice(0, MAX_TEXT), message.buttons, message.format);
    const url = this.responseUrls.take(chat.externalId, user.externalId);
    if (url) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...content }),
      }).catch(() => undefined);
      if (response?.ok) return;
    }
    await this.call(() =>
      this.client.chat.postEphemeral({ channel: chat.externalId, user: user.externalId, ...content }),
    );
  }

  homePressId(user: string, trigger: string): string {
    return `home|${user}|${trigger}`;
  }

  takeHomeAnswer(pressId: string): string | undefined {
    const text = this.homeAnswers.get(pressId);
    this.homeAnswers.delete(pressId);
    return text;
  }

  /** The DM channel (D…) between the bot and a user, opened once and remembered. */
  async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const opened = await this.call(() => this.client.conversations.open({ users: userId }));
    const id = opened.channel?.id;
    if (!id) throw new DeliveryError('conversations.open returned no channel', false);
    this.dmChannels.set(userId, id);
    return id;
  }

  private channelOf(chat: ChatRef): Promise<string> | string {
    return chat.kind === 'dm' && /^[UW]/.test(chat.externalId)
      ? this.dmChannel(chat.externalId)
      : chat.externalId;
  }

  /** Plain text is escaped and shown as typed; the core's markup becomes mrkdwn. */
  private content(text: string, buttons?: Button[][], format?: OutgoingMessage['format']) {
    const markup = format === 'markup';
    const escaped = markup ? markupToSlack(text) : escapeSlackText(text);
    if (!buttons?.length) return { text: escaped, mrkdwn: markup, blocks: undefined };
    const section = markup
      ? { type: 'mrkdwn', text: escaped || ' ' }
      : { type: 'plain_text', text: text || ' ', emoji: true };
    const blocks = [
      { type: 'section', text: section },
      ...buttons.map((row, r) => ({
        type: 'actions',
        block_id: `pulse_${r}`,
        elements: row.map((button, c) => ({
          type: 'button',
          action_id: 'data' in button ? `pulse.btn.${r}.${c}` : `pulse.dm.${r}.${c}`,
          text: { type: 'plain_text', text: button.label.slice(0, 75), emoji: true },
          value: 'data' in button ? button.data : button.startPayload,
        })),
      })),
    ];
    return { text: escaped, mrkdwn: markup, blocks };
  }

  /** Maps Web API failures to DeliveryError (the client has already waited out 429s). */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const failure = error as {
        code?: string;
        data?: { error?: string };
        retryAfter?: number;
        message?: string;
      };
      if (failure.code === 'slack_webapi_platform_error') {
        const reason = failure.data?.error ?? 'unknown_error';
        throw new DeliveryError(reason, PERMANENT.has(reason));
      }
      if (failure.code === 'slack_webapi_rate_limited_error') {
        throw new DeliveryError('rate limited', false, failure.retryAfter);
      }
      if (failure.code?.startsWith('slack_webapi_'))
        throw new DeliveryError(failure.message ?? failure.code, false);
      throw error;
    }
  }
}
