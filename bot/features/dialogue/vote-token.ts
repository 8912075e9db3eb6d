import { createHmac, hkdfSync } from 'node:crypto';

const INFO = 'pulse/dialogue-vote/v1';

/**
 * The vote ledger's token for (person, question): HMAC-SHA256 under a key derived (HKDF) from
 * PULSE_SECRET and the dialogue's random salt. The same person and question always give the same
 * token (one vote each); the token holds neither id. Without PULSE_SECRET the key comes from the
 * salt alone, so a database reader could recompute tokens while the dialogue is open; the salt and
 * every token are deleted at the close (docs/privacy.md).
 */
export function voteToken(
  secret: string | undefined,
  salt: string,
  personId: number,
  questionId: string,
): string {
  const key = Buffer.from(hkdfSync('sha256', secret ?? '', salt, INFO, 32));
  return createHmac('sha256', key).update(`${personId}:${questionId}`).digest('base64url');
}
