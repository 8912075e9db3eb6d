import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollDeliveries, polls } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import { localeOr } from '../../kernel/i18n';
import type { OutgoingMessage } from '../../kernel/types';
import { Leases, outcomesOf } from '../../runtime/delivery/outcomes';
import type { Deps } from '../../runtime/deps';
import { type LedgerQueue, ledgerQueue } from '../../runtime/outbox/store';
import { findUnitById } from '../org';
import { shownAnsweredCount } from './participation';
import { pollMessage, reminderMessage } from './render';
import { loadResults, renderResults } from './results';
import { type DeliveryRow, deliveryChat, type PollRow } from './types';

const MAX_ATTEMPTS = 5;
const LEDGER = 'poll_deliveries';

/**
 * Sends pending poll messages, reminders and results: claims up to `limit` rows (of one poll, or
 * of any), sends each, and marks it sent (with the message id, so counters can be edited later),
 * failed (permanently undeliverable, or too many attempts) or pending again (retry on the next tick).
 */
export async function deliverPending(
  deps: Deps,
  options: { pollIds?: number[]; limit?: number } = {},
): Promise<number> {
  const { db, clock } = deps;
  const outcomes = outcomesOf(deps);
  await outcomes.reconcile(LEDGER);
  const now = clock.now();
  // A claim older than the lease belongs to a process that died mid-send (a live one renews it).
  const leaseMs = deps.config.directives.leaseMs;
  const due = db
    .select({ id: pollDeliveries.id })
    .from(pollDeliveries)
    .where(
      and(
        or(
          eq(pollDeliveries.status, 'pending'),
          and(
            eq(pollDeliveries.status, 'sending'),
            lt(pollDeliveries.claimedAt, new Date(now.getTime() - leaseMs)),
          ),
        ),
        options.pollIds ? inArray(pollDeliveries.pollId, options.pollIds) : undefined,
      ),
    )
    .orderBy(pollDeliveries.id)
    .limit(options.limit ?? 200)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(pollDeliveries)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${pollDeliveries.attempts} + 1` })
    .where(inArray(pollDeliveries.id, due))
    .returning();
  if (claimed.length === 0) return 0;

  const pollIds = [...new Set(claimed.map((row) => row.pollId))];
  const pollRows = new Map(
    (await db.select().from(polls).where(inArray(polls.id, pollIds))).map((poll) => [poll.id, poll]),
  );
  const context = new MessageContext(deps);
  const leases = new Leases({
    ledger: LEDGER,
    everyMs: leaseMs / 3,
    outcomes,
    logger: deps.logger,
    renew: (ids) =>
      db
        .update(pollDeliveries)
        .set({ claimedAt: clock.now() })
        .where(and(inArray(pollDeliveries.id, ids), eq(pollDeliveries.status, 'sending'))),
  });
  leases.hold(claimed.map((row) => row.id));
  const record = async (id: number, values: Partial<typeof pollDeliveries.$inferInsert>) => {
    const write = () => db.update(pollDeliveries).set(values).where(eq(pollDeliveries.id, id));
    if (await outcomes.record(LEDGER, id, write)) leases.release(id);
  };
  let sent = 0;
  try {
    for (const row of claimed) {
      // Sent before, its mark kept in memory while the database was away: written, not resent.
      if (await outcomes.settle(LEDGER, row.id)) continue;
      if (await deliverOne(deps, context, pollRows.get(row.pollId), row, record)) sent++;
    }
  } finally {
    leases.stop();
  }
  return sent;
}

async function deliverOne(
  deps: Deps,
  context: MessageContext,
  poll: PollRow | undefined,
  row: DeliveryRow,
  record: (id: number, values: Partial<typeof pollDeliveries.$inferInsert>) => Promise<void>,
): Promise<boolean> {
  let ref: Awaited<ReturnType<Deps['messenger']['send']>>;
  try {
    if (!poll) throw new DeliveryError('poll deleted', true);
    // A poll that closed before its turn came (a large --dm poll) is not sent with live buttons.
    if (row.purpose !== 'result' && poll.status !== 'open') throw new DeliveryError('poll closed', true);
    // Reading counts can fail with the database away: that is worth a retry, not a failed row.
    const message = await context.messageFor(poll, row).catch((error) => {
      throw new DeliveryError(`message not built: ${String(error)}`, false);
    });
    ref = await deps.messenger.send(deliveryChat(row), message);
  } catch (error) {
    // A rate limit (retry_after) is not the message's fault: it does not use up the attempts.
    const limited = error instanceof DeliveryError && error.retryAfterSeconds !== undefined;
    const permanent =
      !(error instanceof DeliveryError) || error.permanent || (!limited && row.attempts >= MAX_ATTEMPTS);
    deps.logger.warn({ err: error, poll: row.pollId, delivery: row.id, permanent }, 'poll delivery failed');
    await record(row.id, { status: permanent ? 'failed' : 'pending' });
    return false;
  }
  // The message is out: a failing mark is retried, then kept in memory, never a reason to resend.
  await record(row.id, { status: 'sent', messageId: ref.messageId, chatExternalId: ref.chat.externalId });
  return true;
}

/** Builds each delivery's text, reading counts and results once per poll and locale. */
class MessageContext {
  private readonly answered = new Map<number, number | null>();
  private readonly results = new Map<number, Awaited<ReturnType<typeof loadResults>>>();

  constructor(private readonly deps: Deps) {}

  async messageFor(poll: PollRow, row: DeliveryRow): Promise<OutgoingMessage> {
    const locale = localeOr(row.locale, this.deps.config.locale);
    const timeZone = this.deps.config.timezone;
    if (row.purpose === 'result') {
      const results = await this.resultsOf(poll.id);
      // A group (or a person without one) sees its own unit's part; the creator sees everything.
      const unit = row.unitId === null ? undefined : await findUnitById(this.deps.db, row.unitId);
      return {
        text: renderResults(results, {
          locale,
          timeZone,
          visibleUnits: row.unitId === null ? 'all' : { under: unit?.path ?? '-' },
          comments: false,
        }),
      };
    }
    const answered = await this.answeredOf(poll.id);
    if (row.purpose === 'reminder') {
      const hoursLeft = Math.max(
        1,
        Math.round((poll.closesAt.getTime() - this.deps.clock.now().getTime()) / 3.6e6),
      );
      return reminderMessage(poll, { locale, hoursLeft, answered });
    }
    return pollMessage(poll, { locale, timeZone, answered });
  }

  private async answeredOf(pollId: number): Promise<number | null> {
    let n = this.answered.get(pollId);
    if (n === undefined) {
      n = await shownAnsweredCount(this.deps.db, pollId);
      this.answered.set(pollId, n);
    }
    return n;
  }

  private async resultsOf(pollId: number) {
    let results = this.results.get(pollId);
    if (!results) {
      results = await loadResults(this.deps.db, pollId);
      this.results.set(pollId, results);
    }
    return results;
  }
}

/** What the poll ledger has not sent yet (for /outbox); it keeps no failure reason (logged only). */
export function pollQueue(db: DbOrTx): Promise<LedgerQueue> {
  return ledgerQueue(db, {
    table: 'poll_deliveries',
    kind: "'poll_' || purpose",
    error: "'see the log'",
  });
}
