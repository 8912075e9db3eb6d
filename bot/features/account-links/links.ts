import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client';
import { identities, linkCodes, people } from '../../../db/schema';
import type { Platform, UserRef } from '../../kernel/types';
import { recordAudit } from '../../runtime/audit';
import type { PersonRow } from '../org';
import { mergePeople } from '../org';
import { CODE_LIFETIME_MS, hashLinkCode, newLinkCode, normalizeLinkCode } from './codes';

export { CODE_LIFETIME_MS, normalizeLinkCode } from './codes';

type IdentityRow = typeof identities.$inferSelect;

/** Makes a new one-time code for the person (their older codes stop working). */
export async function issueLinkCode(
  db: Db,
  personId: number,
  platform: Platform,
  now: Date,
): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.delete(linkCodes).where(eq(linkCodes.personId, personId));
    for (;;) {
      const code = newLinkCode();
      const inserted = await tx
        .insert(linkCodes)
        .values({
          personId,
          issuedOn: platform,
          codeHash: hashLinkCode(code),
          expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
        })
        .onConflictDoNothing()
        .returning({ id: linkCodes.id });
      if (inserted.length > 0) return code;
    }
  });
}

export type LinkRefusal =
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'same_person'; person: PersonRow }
  | { ok: false; reason: 'platform_taken'; person: PersonRow; platform: string };

export type LinkClaim = { ok: true; codeId: number; person: PersonRow } | LinkRefusal;

/**
 * Step 1 on the other platform: the typed code names the person to join. The code is reserved for
 * this account, which must confirm (step 2) before anything moves.
 */
export async function claimLinkCode(db: Db, typed: string, user: UserRef, now: Date): Promise<LinkClaim> {
  const code = normalizeLinkCode(typed);
  if (!code) return { ok: false, reason: 'invalid' };
  await db.delete(linkCodes).where(lte(linkCodes.expiresAt, now));
  const identity = await findIdentity(db, user);
  const [row] = await db
    .select()
    .from(linkCodes)
    .where(and(eq(linkCodes.codeHash, hashLinkCode(code)), gt(linkCodes.expiresAt, now)));
  if (!row || !identity) return { ok: false, reason: 'invalid' };
  const refusal = await refusalFor(db, row.personId, identity);
  if (refusal) return refusal;
  await db.update(linkCodes).set({ claimedIdentityId: identity.id }).where(eq(linkCodes.id, row.id));
  const [person] = await db.select().from(people).where(eq(people.id, row.personId));
  return { ok: true, codeId: row.id, person: person! };
}

export type LinkResult =
  | { ok: true; person: PersonRow; issuedOn: Platform; mergedPersonId: number }
  | LinkRefusal
  | { ok: false; reason: 'stale' };

/**
 * Step 2: the account that claimed the code confirms. In one transaction the code is spent, the
 * account's person (with its other accounts, roles and memberships) merges into the code's person,
 * and an audit row records it.
 */
export async function confirmLink(db: Db, codeId: number, user: UserRef, now: Date): Promise<LinkResult> {
  return db.transaction(async (tx) => {
    const identity = await findIdentity(tx, user);
    const [row] = await tx
      .select()
      .from(linkCodes)
      .where(and(eq(linkCodes.id, codeId), gt(linkCodes.expiresAt, now)))
      .for('update');
    // Someone else's confirmation, or a code already spent or expired: nothing may change.
    if (!row || !identity || row.claimedIdentityId !== identity.id) return { ok: false, reason: 'stale' };
    const refusal = await refusalFor(tx, row.personId, identity);
    if (refusal) return refusal;
    await tx.delete(linkCodes).where(eq(linkCodes.id, row.id));
    await mergePeople(tx, identity.personId, row.personId);
    await recordAudit(tx, {
      at: now,
      actorPersonId: row.personId,
      platform: user.platform,
      command: 'linkaccount',
      args: '',
      result: 'ok',
      detail: `person ${identity.personId} merged into ${row.personId} (code issued on ${row.issuedOn})`,
    });
    const [person] = await tx.select().from(people).where(eq(people.id, row.personId));
    return {
      ok: true,
      person: person!,
      issuedOn: row.issuedOn,
      mergedPersonId: identity.personId,
    };
  });
}

/** Refuses a link to oneself, and a second account on one platform for one person. */
async function refusalFor(db: DbOrTx, target: number, identity: IdentityRow): Promise<LinkRefusal | null> {
  const [person] = await db.select().from(people).where(eq(people.id, target));
  if (!person) return { ok: false, reason: 'invalid' };
  if (identity.personId === target) return { ok: false, reason: 'same_person', person };
  const theirs = await db
    .select({ platform: identities.platform })
    .from(identities)
    .where(eq(identities.personId, target));
  const mine = await db
    .select({ platform: identities.platform })
    .from(identities)
    .where(eq(identities.personId, identity.personId));
  const clash = mine.find((m) => theirs.some((t) => t.platform === m.platform));
  return clash ? { ok: false, reason: 'platform_taken', person, platform: clash.platform } : null;
}

async function findIdentity(db: DbOrTx, user: Pick<UserRef, 'platform' | 'externalId'>) {
  const [row] = await db
    .select()
    .from(identities)
    .where(and(eq(identities.platform, user.platform), eq(identities.externalId, user.externalId)));
  return row;
}

/** The issuing account, to tell it that another account joined (so a stolen code is noticed). */
export async function identityOn(db: DbOrTx, personId: number, platform: Platform) {
  const [row] = await db
    .select()
    .from(identities)
    .where(and(eq(identities.personId, personId), eq(identities.platform, platform)));
  return row;
}
