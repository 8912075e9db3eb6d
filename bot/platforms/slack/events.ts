import { parseSlashCommand } from '../../kernel/commands';
import type { ChatRef } from '../../kernel/types';

/** Slack's message markup back to plain text: <@U1|an> → @an, <url|label> → label, entities decoded. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<([@#!])([^|>]+)\|([^>]+)>/g, (_all, sigil: string, _id, label: string) =>
      sigil === '!' ? `@${label}` : `${sigil}${label}`,
    )
    .replace(/<([@#])([^>]+)>/g, '$1$2')
    .replace(/<!([^>]+)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * `/pulse link CB-KT` → command "link" with args "CB-KT"; `/pulse` alone → "help". A mentioned user
 * (Slack sends <@U123|an> when the command escapes users) becomes slack:U123, as /role expects.
 */
export function parsePulseCommand(text: string): { name: string; args: string } {
  const plain = text
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, 'slack:$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1');
  const trimmed = slackToPlain(plain).trim().replace(/^\//, '');
  const command = trimmed ? parseSlashCommand(`/${trimmed}`) : null;
  return command && command !== 'other-bot' ? command : { name: 'help', args: '' };
}

export function slackChat(id: string, title?: string, channelType?: string): ChatRef {
  const dm = channelType === 'im' || channelType === 'directmessage' || id.startsWith('D');
  return {
    platform: 'slack',
    externalId: id,
    kind: dm ? 'dm' : 'group',
    title: title ? `#${title}` : undefined,
  };
}

/** Message subtypes that are still a person writing; the rest (edits, joins, bots) are not heard. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel?: string;
  channel_type?: string;
}

export function isPersonMessage(event: SlackMessageEvent): event is SlackMessageEvent & {
  user: string;
  text: string;
  channel: string;
} {
  return (
    PERSON_SUBTYPES.has(event.subtype) &&
    !event.bot_id &&
    typeof event.user === 'string' &&
    typeof event.text === 'string' &&
    typeof event.channel === 'string'
  );
}
