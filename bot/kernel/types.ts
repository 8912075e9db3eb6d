/**
 * The core's view of the outside world. No platform type appears here: adapters map their
 * updates to InboundEvent and implement Messenger.
 */
export const PLATFORMS = ['telegram', 'slack', 'zalo', 'zalo-oa', 'sandbox'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

export const ROLES = ['worker', 'collaborator', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A higher rank includes the powers of the lower ones. */
export const ROLE_RANK: Record<Role, number> = { worker: 0, collaborator: 1, leader: 2, admin: 3 };

export interface ChatRef {
  platform: Platform;
  externalId: string;
  kind: 'group' | 'dm';
  title?: string;
}

export interface UserRef {
  platform: Platform;
  externalId: string;
  displayName: string;
  username?: string;
  languageCode?: string;
}

/**
 * A button either calls back with `data` (at most 64 bytes: Telegram's callback_data limit) or
 * opens the user's DM with the bot carrying `startPayload` (Telegram: t.me/<bot>?start=…).
 */
export type Button =
  | {
      label: string;
      data: string;
      /**
       * An anonymous choice: where pressing it would be seen by others (a numbered reply typed in a
       * group, on a platform without buttons), it is not offered there; this start payload, sent
       * to the bot in a DM, offers it privately instead.
       */
      privately?: string;
    }
  | { label: string; startPayload: string };

export interface OutgoingMessage {
  text: string;
  /** 'markup': `text` uses Pulse's tiny markup (core/markup.ts), rendered by each platform. Default plain. */
  format?: 'plain' | 'markup';
  /**
   * The caller paces and retries the send (a fan-out, or an interactive reply through the send
   * budget): the adapter reports a rate limit (DeliveryError.retryAfterSeconds) or a network failure
   * at once instead of waiting it out and re-sending unpaced.
   */
  bulk?: boolean;
  /** Rows of buttons. Platforms without buttons render numbered choices instead. */
  buttons?: Button[][];
}

/** A document to send as an attachment (a report file). */
export interface OutgoingFile {
  /** Shown to the recipient and used when they save it; keep it ASCII for every platform's sake. */
  name: string;
  mime: string;
  data: Uint8Array;
  caption?: string;
  /** As `OutgoingMessage.bulk`: the caller paces and retries it (an outbox row). */
  bulk?: boolean;
}

/**
 * What an outbox row sends: a message, or with `file` a document (its bytes in base64, for the row's
 * JSON) whose caption is `text`. Where the platform takes no files, `text` alone is sent.
 */
export interface QueuedMessage extends OutgoingMessage {
  file?: { name: string; mime: string; base64: string };
}

/** A picture to show inline in the chat (a chart). PNG or JPEG. */
export interface OutgoingImage {
  name: string;
  data: Uint8Array;
  caption?: string;
}

/** Where a sent message lives, so it can be edited later. */
export interface SentRef {
  chat: ChatRef;
  messageId: string;
}

export interface Capabilities {
  buttons: boolean;
  groups: boolean;
  edit: boolean;
  /** Private replies inside a group (Slack ephemeral); otherwise they go by DM or button answer. */
  ephemeral: boolean;
  /**
   * The longest answer to a button press the platform shows (Telegram's answerCallbackQuery: 200
   * characters). A longer answer is shown cut, and sent in full privately (by DM).
   */
  answerLength?: number;
  maxTextLength: number;
  /** Takes documents (`sendFile`); absent means no, and the core sends text instead. */
  files?: boolean;
  /** Shows pictures inline (`sendImage`); absent means no. */
  images?: boolean;
  /**
   * Slash commands are seen by their author only (Slack), so replies to a command go privately
   * (ephemeral in a channel, DM otherwise) instead of into the chat.
   */
  privateCommands?: boolean;
  /**
   * Without buttons: a numbered reply typed in a group is read as a press too (Zalo OA), not only
   * in a DM. The press is answered in that group.
   */
  groupReplies?: boolean;
  /**
   * Messages the bot sends count against a paid allowance (Zalo OA): admins are told what a
   * campaign costs there before it goes out, and one group message is preferred over many DMs.
   */
  quotaCounted?: boolean;
}

/** The outbound port every platform implements. */
export interface Messenger {
  readonly platform: Platform;
  readonly capabilities: Capabilities;
  send(chat: ChatRef, message: OutgoingMessage): Promise<SentRef>;
  edit(ref: SentRef, message: OutgoingMessage): Promise<void>;
  /** Opens (or reuses) the DM with a user and sends there. */
  sendDm(user: Pick<UserRef, 'platform' | 'externalId'>, message: OutgoingMessage): Promise<SentRef>;
  /** Answers a button press privately (Telegram: callback toast). */
  answerButton(pressId: string, text: string, options?: { alert?: boolean }): Promise<void>;
  /** A message only `user` sees in `chat`, when the platform has such a thing. */
  sendEphemeral?(chat: ChatRef, user: UserRef, message: OutgoingMessage): Promise<void>;
  /** Where `capabilities.files`. */
  sendFile?(chat: ChatRef, file: OutgoingFile): Promise<SentRef>;
  /** Where `capabilities.images`. */
  sendImage?(chat: ChatRef, image: OutgoingImage): Promise<SentRef>;
}

interface EventBase {
  chat: ChatRef;
  from: UserRef;
  /** Platform-unique id of the update, for deduplication. */
  updateId?: string;
}

export type InboundEvent =
  | (EventBase & { kind: 'command'; name: string; args: string })
  | (EventBase & {
      kind: 'message';
      text: string;
      /** The id of the message this one replies to, in the same chat (Telegram's reply_to_message). */
      replyTo?: string;
    })
  | (EventBase & { kind: 'button'; data: string; pressId: string; message?: SentRef })
  /** Emoji a person added to a message (Telegram's message_reaction); removals give none. */
  | (EventBase & { kind: 'reaction'; emoji: string[]; message: SentRef })
  /**
   * A document sent to the bot (Telegram: a message with `document`). Nothing is downloaded until
   * a listener calls `read`, which keeps at most `maxBytes + 1` bytes: a longer result means too large.
   */
  | (EventBase & {
      kind: 'file';
      name: string;
      /** Bytes, as the platform declares it; null when it does not say. */
      size: number | null;
      read(maxBytes: number): Promise<Uint8Array>;
    })
  | (EventBase & { kind: 'member_joined' })
  | (EventBase & { kind: 'member_left' });

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
