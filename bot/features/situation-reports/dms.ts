import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { people } from '../../../db/schema';
import type { OutgoingMessage } from '../../kernel/types';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue, type OutboxInput } from '../../runtime/outbox/store';
import { dmAccounts } from '../org';

/** The outbox kinds of this feature's own DMs (bot/runtime/outbox): requests, reminders, escalations, drafts to confirm. */
export const SR_KINDS = ['sr_request', 'sr_reminder', 'sr_escalation', 'sr_draft'] as const;
export type SrKind = (typeof SR_KINDS)[number];

export interface SrDm {
  personId: number;
  /** Unique for what it sends (a job run twice, two processes: one message): `<kind>:<request>:<unit>:…:<person>`. */
  key: string;
  build: (locale: 'vi' | 'en') => OutgoingMessage;
}

/**
 * DMs queued in the outbox (one row per person with an account on a running platform, written
 * before the send), then sent at once; what is not sent now (a rate limit, the platform away)
 * goes with the outbox job. Inside the caller's transaction `tx`, they are only queued (the caller
 * delivers once it commits). Returns how many were queued.
 */
export async function queueSrDms(
  deps: Deps,
  kind: SrKind,
  dms: readonly SrDm[],
  tx?: DbOrTx,
): Promise<number> {
  const db = tx ?? deps.db;
  const inputs: OutboxInput[] = [];
  for (const dm of dms) {
    const [account] = await dmAccounts(db, deps.messenger, dm.personId);
    if (!account) continue;
    inputs.push({
      key: dm.key,
      kind,
      to: { user: { platform: account.platform, externalId: account.externalId } },
      message: dm.build(await localeOfPerson(db, deps, dm.personId)),
      notBefore: deps.clock.now(),
    });
  }
  await enqueue(db, inputs);
  if (inputs.length > 0 && !tx) await deliverOutbox(deps, { kinds: [kind] });
  return inputs.length;
}

async function localeOfPerson(db: DbOrTx, deps: Deps, personId: number): Promise<'vi' | 'en'> {
  const [row] = await db.select({ locale: people.locale }).from(people).where(eq(people.id, personId));
  return row?.locale ?? deps.config.locale;
}
