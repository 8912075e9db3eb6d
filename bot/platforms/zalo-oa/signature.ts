import { createHash, timingSafeEqual } from 'node:crypto';

/** A webhook whose timestamp is further than this from now, either way, is refused. */
export const WEBHOOK_WINDOW_MS = 5 * 60_000;

/** X-ZEvent-Signature: `mac=<64 hex>` (the bare hex is accepted too). */
const SIGNATURE = /^(?:mac=)?([0-9a-f]{64})$/i;

/** Whether the header has the shape of a signature at all (checked before the body is read). */
export function signatureOf(header: string | string[] | undefined): Buffer | undefined {
  if (typeof header !== 'string') return undefined;
  const match = SIGNATURE.exec(header.trim());
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}

/** sha256(appId + raw body + timestamp + OA secret key), as the OA signs its webhooks. */
export function signZaloOa(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`).digest('hex');
}

/**
 * Checks a webhook: the signature over the raw body (constant-time), and its timestamp (Unix
 * milliseconds, from the body's `timestamp`) within WEBHOOK_WINDOW_MS of now.
 */
export function verifyZaloOa(options: {
  appId: string;
  oaSecretKey: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: Buffer;
  now: Date;
}): 'ok' | 'forged' | 'stale' {
  const { timestamp } = options;
  if (!timestamp || !/^\d{10,16}$/.test(timestamp)) return 'forged';
  const expected = Buffer.from(
    signZaloOa(options.appId, options.rawBody, timestamp, options.oaSecretKey),
    'hex',
  );
  if (expected.length !== options.signature.length || !timingSafeEqual(expected, options.signature)) {
    return 'forged';
  }
  return Math.abs(options.now.getTime() - Number(timestamp)) > WEBHOOK_WINDOW_MS ? 'stale' : 'ok';
}
