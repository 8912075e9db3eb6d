import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { identities, people } from '../../../db/schema';
import type { Platform } from '../../kernel/types';
import { grantRole } from './roles';

/** Makes every BOT_ADMINS identity an organisation-wide admin, creating the person if needed. */
export async function ensureBootstrapAdmins(
  db: DbOrTx,
  admins: readonly { platform: Platform; externalId: string }[],
): Promise<void> {
  for (const admin of admins) {
    const [existing] = await db
      .select({ personId: identities.personId })
      .from(identities)
      .where(and(eq(identities.platform, admin.platform), eq(identities.externalId, admin.externalId)));
    let personId = existing?.personId;
    if (personId === undefined) {
      const [person] = await db
        .insert(people)
        .values({ displayName: `${admin.platform}:${admin.externalId}` })
        .returning({ id: people.id });
      personId = person!.id;
      await db
        .insert(identities)
        .values({ personId, platform: admin.platform, externalId: admin.externalId });
    }
    await grantRole(db, { personId, unitId: null, role: 'admin', source: 'env' });
  }
}
