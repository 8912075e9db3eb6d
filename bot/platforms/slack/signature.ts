import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses requests older than this; so does Pulse (replays of captured requests). */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret,
 * compared in constant time, with the timestamp within 5 minutes of `now` (Pulse's clock).
 */
export function checkSlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  now: Date;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'missing';
  if (Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS) return 'stale';
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'mismatch';
}

export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}
