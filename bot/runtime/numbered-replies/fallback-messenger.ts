import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { identities, people } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import { localeOr } from '../../kernel/i18n';
import type {
  ChatRef,
  Clock,
  Messenger,
  OutgoingMessage,
  Platform,
  SentRef,
  UserRef,
} from '../../kernel/types';
import { translator } from '../../messages';
import { rememberPrompt, replacePromptOptions } from './prompts';
import { renderNumbered } from './render';

export interface FallbackDeps {
  db: Db;
  clock: Clock;
  /** Language of prompts in chats whose person is unknown. */
  locale: Locale;
}

/**
 * The core's degradation for a platform without buttons: messages with buttons go out as
 * numbered choices, remembered in the database so a reply "2" in that chat becomes a press of the
 * second button (see readNumberedReply). Edits on a platform that cannot edit are dropped: the
 * user already has the original message and the answer to their choice. Platforms with buttons
 * are returned unchanged.
 */
export function withCapabilityFallbacks(inner: Messenger, deps: FallbackDeps): Messenger {
  if (inner.capabilities.buttons) return inner;

  async function render(message: OutgoingMessage, recipientExternalId: string | null, chat?: ChatRef) {
    const locale = recipientExternalId
      ? await localeOf(deps, inner.platform, recipientExternalId)
      : deps.locale;
    return renderNumbered(message, translator(locale), { shared: chat?.kind === 'group' });
  }
  async function remember(ref: SentRef, options: { label: string; data: string }[]) {
    if (options.length === 0) return;
    await rememberPrompt(deps.db, {
      chat: ref.chat,
      messageId: ref.messageId,
      options,
      now: deps.clock.now(),
    });
  }

  const fallback: Messenger = {
    platform: inner.platform,
    // Read through: an adapter may learn a capability at start (Zalo's groups).
    get capabilities() {
      return inner.capabilities;
    },
    async send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef> {
      if (!message.buttons) return inner.send(chat, message);
      const rendered = await render(message, chat.kind === 'dm' ? chat.externalId : null, chat);
      const ref = await inner.send(chat, { text: rendered.text });
      await remember(ref, rendered.options);
      return ref;
    },
    async sendDm(user: Pick<UserRef, 'platform' | 'externalId'>, message: OutgoingMessage): Promise<SentRef> {
      if (!message.buttons) return inner.sendDm(user, message);
      const rendered = await render(message, user.externalId);
      const ref = await inner.sendDm(user, { text: rendered.text });
      await remember(ref, rendered.options);
      return ref;
    },
    async edit(ref: SentRef, message: OutgoingMessage): Promise<void> {
      if (!inner.capabilities.edit) return;
      const rendered = await render(message, ref.chat.kind === 'dm' ? ref.chat.externalId : null, ref.chat);
      await inner.edit(ref, { text: rendered.text });
      await replacePromptOptions(deps.db, ref.chat, ref.messageId, rendered.options);
    },
    answerButton: (pressId, text, options) => inner.answerButton(pressId, text, options),
  };
  if (inner.sendEphemeral) fallback.sendEphemeral = inner.sendEphemeral.bind(inner);
  return fallback;
}

/** On platforms whose DM chat id is the user id (Zalo), the language of that person. */
async function localeOf(deps: FallbackDeps, platform: Platform, externalId: string): Promise<Locale> {
  const [row] = await deps.db
    .select({ locale: people.locale })
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)))
    .limit(1);
  return localeOr(row?.locale, deps.locale);
}
