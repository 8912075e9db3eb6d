import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Platform } from '../../kernel/types';

export interface ReplyAddress {
  platform: Platform;
  externalId: string;
  /** The sender's language, sealed with the account so a reply needs no lookup of the account. */
  locale?: string | null;
}

const INFO = 'pulse/feedback-reply-handle/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'pulse', INFO, 32));
}

/**
 * Seals a sender's account with AES-256-GCM under a key derived (HKDF-SHA256) from PULSE_SECRET,
 * bound to the feedback id, so a handle cannot be moved to another feedback. Without the secret the
 * database alone cannot reach the sender.
 */
export function sealAddress(secret: string, feedbackId: string, address: ReplyAddress): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(feedbackId));
  const body = Buffer.concat([
    cipher.update(JSON.stringify([address.platform, address.externalId, address.locale ?? null])),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The sealed account, or undefined when the handle was not sealed for this feedback with this secret. */
export function openAddress(secret: string, feedbackId: string, sealed: string): ReplyAddress | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(feedbackId));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    const [platform, externalId, locale] = JSON.parse(plain.toString('utf8')) as [
      Platform,
      string,
      string | null | undefined,
    ];
    return { platform, externalId, locale: locale ?? null };
  } catch {
    return undefined;
  }
}

const OFFER_INFO = 'pulse/feedback-reply-offer/v1';

/**
 * The reply-offer button's token: the feedback id sealed (AES-256-GCM, random IV) under a key
 * derived from PULSE_SECRET, so the button — and on platforms without buttons the numbered prompt
 * row stored beside the sender's account — carries no feedback id a database reader can follow.
 * Only someone holding PULSE_SECRET and the database could open it. 62 characters with "fr:",
 * within Telegram's 64-byte callback data.
 */
export function sealOfferToken(secret: string, feedbackId: string): string {
  const id = Buffer.from(feedbackId.replace(/-/g, ''), 'hex');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(
    'aes-256-gcm',
    Buffer.from(hkdfSync('sha256', secret, 'pulse', OFFER_INFO, 32)),
    iv,
  );
  const body = Buffer.concat([cipher.update(id), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The feedback id inside an offer token, or undefined when it was not sealed with this secret. */
export function openOfferToken(secret: string, token: string): string | undefined {
  try {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length !== IV_BYTES + TAG_BYTES + 16) return undefined;
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(hkdfSync('sha256', secret, 'pulse', OFFER_INFO, 32)),
      raw.subarray(0, IV_BYTES),
    );
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const hex = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } catch {
    return undefined;
  }
}
