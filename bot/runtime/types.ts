import type { Logger } from 'pino';
import type { chats, people, units } from '../../db/schema';
import type { Locale } from '../kernel/i18n';
import type { HeldRole, UnitScope } from '../kernel/roles';
import type { ChatRef, InboundEvent, OutgoingMessage, Role, UserRef } from '../kernel/types';
import type { MessageKey, Translate } from '../messages';
import type { Deps } from './deps';

export type PersonRow = typeof people.$inferSelect;
export type ChatRow = typeof chats.$inferSelect;
export type UnitRow = typeof units.$inferSelect;

/**
 * Who is behind an update, as the runtime needs to know it: implemented by the org feature and
 * handed to the event handler by the composition root, so the runtime imports no feature.
 */
export interface ActorDirectory {
  /**
   * The person, their roles and the group (when asked) in one go, for an account already known;
   * undefined for a new account or a group seen for the first time (then the steps below run).
   */
  findKnown?(
    user: UserRef,
    chat?: ChatRef,
    options?: { recordMember?: boolean },
  ): Promise<
    | {
        person: PersonRow;
        roles: HeldRole[];
        group: { chat: ChatRow; unit: UnitRow | null } | null;
        /** The group membership was made active on the way (so `recordSeen` need not write it). */
        memberRecorded: boolean;
      }
    | undefined
  >;
  resolvePerson(user: UserRef): Promise<PersonRow>;
  /** A group's row (created on first sight) with its bound unit or null. */
  ensureGroup(chat: ChatRef): Promise<{ chat: ChatRow; unit: UnitRow | null }>;
  rolesOf(personId: number): Promise<HeldRole[]>;
  /** Records that the person was seen in a bound group; returns their roles afterwards. */
  recordSeen(
    personId: number,
    chatId: number,
    unit: UnitRow,
    held: readonly HeldRole[],
    options?: { membershipRecorded?: boolean },
  ): Promise<HeldRole[]>;
  recordLeft(personId: number, chatId: number): Promise<void>;
}

export type CommandEvent = Extract<InboundEvent, { kind: 'command' }>;
export type ButtonEvent = Extract<InboundEvent, { kind: 'button' }>;

/** Who is acting, resolved once per update. */
export interface Actor {
  person: PersonRow;
  roles: HeldRole[];
  locale: Locale;
}

export interface InteractionContext {
  deps: Deps;
  logger: Logger;
  actor: Actor;
  /** The group chat's row (bound or not); null in a DM. */
  chat: ChatRow | null;
  t: Translate;
  /** Replies in the chat the update came from. */
  reply(message: OutgoingMessage | string): Promise<void>;
  /** Replies so only the actor sees it (ephemeral in a group where possible, else DM). */
  replyPrivately(message: OutgoingMessage | string): Promise<void>;
  /**
   * Replies about the actor's own doing (a refusal, a usage error): not for the group's eyes where
   * the platform allows — ephemeral, else by DM, else (no DM possible, or a DM costs quota) in the chat.
   */
  replyPersonally(message: OutgoingMessage | string): Promise<void>;
}

export interface CommandContext extends InteractionContext {
  event: CommandEvent;
  /** Every registered command, in /help order. */
  commands: readonly CommandDefinition[];
}

export interface ButtonContext extends InteractionContext {
  event: ButtonEvent;
  /** Answers the press privately (toast); every press must be answered once. */
  answer(text: string, options?: { alert?: boolean }): Promise<void>;
}

/** What a command refers to, so the dispatcher checks the role on the right unit. */
export type Scope = { ok: true; unit: UnitScope | null } | { ok: false; message: string };

/**
 * One slash command, shared by every platform. The dispatcher runs, in order: role held anywhere
 * (`minRole`) → where it may run → `parse` (null: usage message) → `scope` (the unit the role must
 * cover) → `run`. Any refusal changes nothing.
 */
export interface CommandDefinition<Args = unknown> {
  name: string;
  aliases?: string[];
  /** The lowest role that may run it; null for everyone, even people with no role yet. */
  minRole: Role | null;
  where: 'any' | 'group' | 'dm';
  /** Admin commands leave an audit row (who, what, when, result). */
  audited: boolean;
  /**
   * Its text is an anonymous source (feedback, a poll comment): platforms that keep a history of
   * what people typed (the sandbox) must not keep this text beside its sender.
   */
  anonymousText?: boolean;
  descriptionKey: MessageKey;
  usageKey: MessageKey;
  parse(args: string): Args | null;
  scope?(ctx: CommandContext, args: Args): Promise<Scope>;
  run(ctx: CommandContext, args: Args): Promise<void>;
}

export interface ButtonHandler {
  /** Button data starts with `${prefix}:`. */
  prefix: string;
  handle(ctx: ButtonContext, payload: string): Promise<void>;
}

export function defineCommand<Args>(definition: CommandDefinition<Args>): CommandDefinition<unknown> {
  return definition as CommandDefinition<unknown>;
}
