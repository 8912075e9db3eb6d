import { DeliveryError } from '../kernel/errors';
import { localeOr } from '../kernel/i18n';
import { sanitizeEvent } from '../kernel/sanitize';
import type { Capabilities, InboundEvent, OutgoingMessage } from '../kernel/types';
import { translator } from '../messages';
import { claimUpdate, RecentKeys, releaseUpdate } from './dedup';
import { budgetOf } from './delivery/budget';
import { sendReply } from './delivery/replies';
import type { Deps } from './deps';
import { type CommandRegistry, dispatchCommand } from './dispatch';
import { numberedPress } from './numbered-replies';
import type { Actor, ActorDirectory, ButtonContext, ButtonHandler, InteractionContext } from './types';

/** Something that wants every plain message (the hot-spot matcher, numbered replies …). */
export type MessageListener = (
  ctx: InteractionContext,
  event: Extract<InboundEvent, { kind: 'message' }>,
) => Promise<boolean | undefined>;

/** Something that reads reactions (a 👍 on a directive). Silent: reactions get no reply. */
export type ReactionHandler = (
  ctx: InteractionContext,
  event: Extract<InboundEvent, { kind: 'reaction' }>,
) => Promise<void>;
/** Something that takes documents sent to the bot (a scenario file); true consumes it. */
export type FileListener = (
  ctx: InteractionContext,
  event: Extract<InboundEvent, { kind: 'file' }>,
) => Promise<boolean | undefined>;

export interface EventHandlerOptions {
  directory: ActorDirectory;
  commands: CommandRegistry;
  buttons: readonly ButtonHandler[];
  listeners?: readonly MessageListener[];
  reactions?: readonly ReactionHandler[];
  files?: readonly FileListener[];
}

export type EventHandler = (
  event: InboundEvent,
  options?: { dedup?: 'memory' | 'database' },
) => Promise<void>;

const asMessage = (message: OutgoingMessage | string): OutgoingMessage =>
  typeof message === 'string' ? { text: message } : message;

/**
 * The single entry point for every platform: dedups the update, resolves who is acting,
 * records group membership, and routes commands, buttons and messages.
 */
export function createEventHandler(deps: Deps, options: EventHandlerOptions): EventHandler {
  const recent = new RecentKeys();
  /** (person, chat) pairs recorded lately: chatter in a group must not write on every message. */
  const seenRecently = new RecentKeys(50_000);

  async function isDuplicate(event: InboundEvent, dedup: 'memory' | 'database'): Promise<boolean> {
    if (!event.updateId) return false;
    const key = `${event.chat.platform}:${event.updateId}`;
    if (!recent.add(key)) return true;
    if (dedup === 'memory') return false;
    return !(await claimUpdate(deps.db, event.chat.platform, event.updateId, deps.clock.now()));
  }

  /** An update that failed is not a duplicate of its retry: the claim is given back, then the error goes on. */
  async function forget(event: InboundEvent, dedup: 'memory' | 'database', logger: typeof deps.logger) {
    if (!event.updateId) return;
    recent.delete(`${event.chat.platform}:${event.updateId}`);
    if (dedup === 'memory') return;
    await releaseUpdate(deps.db, event.chat.platform, event.updateId).catch((error) =>
      logger.error({ err: error }, 'update claim not released: a retry of it will be ignored'),
    );
  }

  return async function handle(inbound, { dedup = 'memory' } = {}) {
    const event = sanitizeEvent(inbound);
    const logger = deps.logger.child({
      platform: event.chat.platform,
      kind: event.kind,
      update: event.updateId,
    });
    if (await isDuplicate(event, dedup)) {
      logger.debug('duplicate update ignored');
      return;
    }
    try {
      await handleOnce(event, logger);
    } catch (error) {
      await forget(event, dedup, logger);
      throw error;
    }
  };

  async function handleOnce(inbound: InboundEvent, logger: typeof deps.logger): Promise<void> {
    let event = inbound;
    const { db } = deps;
    const { directory } = options;
    const groupRef = event.chat.kind === 'group' ? event.chat : undefined;
    const known = await directory.findKnown?.(event.from, groupRef, {
      recordMember: event.kind !== 'member_left',
    });
    const person = known?.person ?? (await directory.resolvePerson(event.from));
    const group = known ? known.group : groupRef ? await directory.ensureGroup(groupRef) : null;
    const chat = group?.chat ?? null;
    const seenKey = chat ? `${person.id}:${chat.id}:${chat.unitId}` : '';
    if (chat && group?.unit && event.kind === 'member_left') {
      seenRecently.delete(seenKey);
      await directory.recordLeft(person.id, chat.id);
      return;
    }
    let held = known?.roles ?? (await directory.rolesOf(person.id));
    if (chat && group?.unit && seenRecently.add(seenKey)) {
      held = await directory.recordSeen(person.id, chat.id, group.unit, held, {
        membershipRecorded: known?.memberRecorded === true,
      });
    }
    if (event.kind === 'member_joined' || event.kind === 'member_left') return;
    const capabilities = deps.messenger.has(event.chat.platform)
      ? deps.messenger.capabilities(event.chat.platform)
      : undefined;

    const actor: Actor = {
      person,
      roles: held,
      locale: localeOr(person.locale, deps.config.locale),
    };
    // Replies take the reply lane of the send budget (ahead of fan-outs) and are retried after a
    // 429 rather than dropped, without holding the chat's queue. `bulk`: the budget paces them.
    const limiter = budgetOf(deps).of(event.chat.platform);
    const paced = (message: OutgoingMessage | string): OutgoingMessage => ({
      ...asMessage(message),
      bulk: true,
    });
    const replyPrivately = (message: OutgoingMessage | string) =>
      sendReply(() => deps.messenger.sendPrivately(event.chat, event.from, paced(message)), logger, {
        budget: { limiter, chatKey: `${event.chat.platform}:dm:${event.from.externalId}`, isGroup: false },
      });
    const replyInChat = (message: OutgoingMessage | string) =>
      sendReply(() => deps.messenger.send(event.chat, paced(message)), logger, {
        budget: {
          limiter,
          chatKey: `${event.chat.platform}:${event.chat.externalId}`,
          isGroup: event.chat.kind === 'group',
        },
      });
    const reply = event.kind === 'command' && capabilities?.privateCommands ? replyPrivately : replyInChat;
    const base: InteractionContext = {
      deps,
      logger,
      actor,
      chat,
      t: translator(actor.locale),
      reply,
      replyPrivately,
      replyPersonally: personalReply(event, capabilities, { reply, replyPrivately, logger }),
    };

    if (
      event.kind === 'message' &&
      capabilities &&
      !capabilities.buttons &&
      (event.chat.kind === 'dm' || capabilities.groupReplies)
    ) {
      const press = await numberedPress(db, event, deps.clock.now());
      if (press && 'outOfRange' in press)
        return base.reply(base.t('numbered.outOfRange', { max: press.outOfRange }));
      if (press) event = press;
    }

    if (event.kind === 'reaction') {
      for (const reaction of options.reactions ?? []) await reaction(base, event);
    } else if (event.kind === 'command') {
      await dispatchCommand(options.commands, { ...base, event, commands: options.commands.commands });
    } else if (event.kind === 'button') {
      const { answer, ensureAnswered } = answerFor(deps, event, capabilities, replyPrivately);
      await dispatchButton(options.buttons, { ...base, event, answer }, ensureAnswered);
    } else if (event.kind === 'file') {
      for (const listener of options.files ?? []) {
        if (await listener(base, event)) return;
      }
    } else {
      for (const listener of options.listeners ?? []) {
        if (await listener(base, event)) return;
      }
      // A plain DM no feature took (no comment window, survey or report draft waiting for it):
      // say what the person can do, rather than nothing. Its text is not kept.
      if (event.chat.kind === 'dm') return base.reply(base.t('dm.menu'));
      if (chat?.unitId) {
        const text = event.text.normalize('NFC');
        await deps.signals.publish({
          text,
          source: 'group',
          unitId: chat.unitId,
          chatId: chat.id,
          at: deps.clock.now(),
        });
      }
    }
  }
}

/**
 * Replies about what the person did themself (a refusal, a usage error): in a DM, or where the
 * platform has private replies in groups (Slack's ephemeral), as a reply; in a group elsewhere by
 * DM, so the group does not read it — unless the DM cannot be sent (Telegram refuses a first
 * message to someone who never opened the bot's DM) or would cost quota (Zalo OA): then in the group.
 */
function personalReply(
  event: InboundEvent,
  capabilities: Capabilities | undefined,
  replies: {
    reply: InteractionContext['reply'];
    replyPrivately: InteractionContext['replyPrivately'];
    logger: Deps['logger'];
  },
): InteractionContext['reply'] {
  if (event.chat.kind !== 'group' || !capabilities || capabilities.privateCommands) return replies.reply;
  if (capabilities.ephemeral) return replies.replyPrivately;
  if (capabilities.quotaCounted) return replies.reply;
  return async (message) => {
    try {
      await replies.replyPrivately(message);
    } catch (error) {
      if (!(error instanceof DeliveryError && error.permanent)) throw error;
      replies.logger.debug({ err: error }, 'personal reply not sent by DM: answered in the group');
      await replies.reply(message);
    }
  };
}

/** A text cut to `limit` characters, with an ellipsis when it was longer. */
function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

/**
 * Every press is answered exactly once, even when a handler forgot to. An answer longer than the
 * platform shows (`answerLength`, Telegram: 200) is shown cut as an alert and sent in full privately.
 */
function answerFor(
  deps: Deps,
  event: Extract<InboundEvent, { kind: 'button' }>,
  capabilities: Capabilities | undefined,
  replyPrivately: InteractionContext['replyPrivately'],
) {
  let answered = false;
  const answer: ButtonContext['answer'] = async (full, options) => {
    if (answered) return;
    answered = true;
    const limit = capabilities?.answerLength;
    const overflow = limit !== undefined && full.length > limit;
    const text = overflow ? cut(full, limit) : full;
    try {
      await deps.messenger.answerButton(event.chat.platform, event.pressId, text, {
        ...options,
        ...(overflow && { alert: true }),
      });
      if (overflow)
        await replyPrivately(full).catch((error) =>
          deps.logger.warn({ err: error }, 'long answer not sent in full'),
        );
    } catch (error) {
      // A press too old to answer (or a forged id) was still handled: a retry would fail the same way.
      if (!(error instanceof DeliveryError && error.permanent)) throw error;
      deps.logger.warn({ err: error, platform: event.chat.platform }, 'press not answerable');
    }
  };
  return { answer, ensureAnswered: () => answer('') };
}

async function dispatchButton(
  handlers: readonly ButtonHandler[],
  ctx: ButtonContext,
  ensureAnswered: () => Promise<void>,
): Promise<void> {
  const separator = ctx.event.data.indexOf(':');
  const prefix = separator < 0 ? ctx.event.data : ctx.event.data.slice(0, separator);
  const handler = handlers.find((h) => h.prefix === prefix);
  if (!handler) {
    await ctx.answer(ctx.t('error.staleButton'), { alert: true });
    return;
  }
  try {
    await handler.handle(ctx, ctx.event.data.slice(separator + 1));
  } catch (error) {
    ctx.logger.error({ err: error, prefix }, 'button failed');
    await ctx.answer(ctx.t('error.internal'), { alert: true });
  }
  await ensureAnswered();
}
