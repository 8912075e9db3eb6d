import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { identities, people } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import { isPlatform, type Platform, type UserRef } from '../../kernel/types';

export type { PersonRow } from '../../runtime/types';

import type { PersonRow } from '../../runtime/types';

/** Finds the person behind a platform account, creating both on first sight; keeps names current. */
export async function resolvePerson(db: DbOrTx, user: UserRef): Promise<PersonRow> {
  const displayName = user.displayName.normalize('NFC').trim() || user.externalId;
  const [found] = await db
    .select({ person: people, username: identities.username, identityId: identities.id })
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.platform, user.platform), eq(identities.externalId, user.externalId)))
    .limit(1);
  if (found) {
    if ((user.username ?? null) !== found.username) {
      await db
        .update(identities)
        .set({ username: user.username ?? null })
        .where(eq(identities.id, found.identityId));
    }
    return found.person;
  }
  return db.transaction(async (tx) => {
    const [person] = await tx.insert(people).values({ displayName }).returning();
    const inserted = await tx
      .insert(identities)
      .values({
        personId: person!.id,
        platform: user.platform,
        externalId: user.externalId,
        username: user.username ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: identities.id });
    if (inserted.length > 0) return person!;
    // Another process created this identity at the same moment: use theirs.
    await tx.delete(people).where(eq(people.id, person!.id));
    const [theirs] = await tx
      .select({ person: people })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .where(and(eq(identities.platform, user.platform), eq(identities.externalId, user.externalId)));
    return theirs!.person;
  });
}

/**
 * Finds a person from what an admin typed: "@username", "platform:id", or a bare id on the
 * admin's own platform.
 */
export async function findPersonByReference(
  db: DbOrTx,
  reference: string,
  defaultPlatform: Platform,
): Promise<PersonRow | undefined> {
  const text = reference.trim();
  const byIdentity = (platform: Platform, column: 'username' | 'externalId', value: string) =>
    db
      .select({ person: people })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .where(and(eq(identities.platform, platform), eq(identities[column], value)))
      .limit(1);
  let rows: { person: PersonRow }[];
  if (text.startsWith('@')) rows = await byIdentity(defaultPlatform, 'username', text.slice(1));
  else if (text.includes(':')) {
    const [platform, id] = text.split(':', 2) as [string, string];
    // "zalo:123", "slack:U1": a platform Pulse does not know names nobody.
    rows = isPlatform(platform) ? await byIdentity(platform, 'externalId', id) : [];
  } else rows = await byIdentity(defaultPlatform, 'externalId', text);
  return rows[0]?.person;
}

export async function setLocale(db: DbOrTx, personId: number, locale: Locale): Promise<void> {
  await db.update(people).set({ locale }).where(eq(people.id, personId));
}

export async function identitiesOf(db: DbOrTx, personId: number) {
  return db.select().from(identities).where(eq(identities.personId, personId));
}
