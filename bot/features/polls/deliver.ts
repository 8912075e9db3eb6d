import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollDeliveries, polls } from '../../../db/schema';
import { DeliveryError } from '../../kernel/errors';
import { localeOr } from '../../kernel/i18n';
import type { OutgoingMessage, SentRef } from '../../kernel/types';
import type { Deps } from '../../runtime/deps';
import { deliverLedger, type LedgerAdapter } from '../../runtime/outbox/engine';
import { type LedgerQueue, ledgerQueue } from '../../runtime/outbox/store';
import { findUnitById } from '../org';
import { shownAnsweredCount } from './participation';
import { pollMessage, reminderMessage } from './render';
import { loadResults, renderResults } from './results';
import { type DeliveryRow, deliveryChat, type PollRow } from './types';

const LEDGER = 'poll_deliveries';

type Row = DeliveryRow & { poll?: PollRow };

/** The poll ledger as the delivery engine sees it: the poll itself, group reminders, closing results. */
function pollLedger(deps: Deps, options: { pollIds?: number[] }): LedgerAdapter<Row, SentRef> {
  const context = new MessageContext(deps);
  return {
    name: LEDGER,
    table: { table: LEDGER },
    where: options.pollIds ? inArray(pollDeliveries.pollId, options.pollIds) : undefined,
    maxAttempts: 5,
    batch: () => 200,
    load: async (ids) => {
      const rows = await deps.db
        .select()
        .from(pollDeliveries)
        .where(inArray(pollDeliveries.id, ids))
        .orderBy(pollDeliveries.id);
      const pollIds = [...new Set(rows.map((row) => row.pollId))];
      const pollRows = new Map(
        (await deps.db.select().from(polls).where(inArray(polls.id, pollIds))).map((poll) => [poll.id, poll]),
      );
      return rows.map((row) => ({ ...row, poll: pollRows.get(row.pollId) }));
    },
    send: async (row, pace) => {
      const { poll } = row;
      if (!poll) throw new DeliveryError('poll deleted', true);
      // A poll that closed before its turn came (a large --dm poll) is not sent with live buttons.
      if (row.purpose !== 'result' && poll.status !== 'open') throw new DeliveryError('poll closed', true);
      // Reading counts can fail with the database away: that is worth a retry, not a failed row.
      const message = await context.messageFor(poll, row).catch((error) => {
        throw new DeliveryError(`message not built: ${String(error)}`, false);
      });
      const chat = deliveryChat(row);
      return pace(chat, () => deps.messenger.send(chat, { ...message, bulk: true }));
    },
    markSent: (row, ref) =>
      deps.db
        .update(pollDeliveries)
        .set({ status: 'sent', messageId: ref.messageId, chatExternalId: ref.chat.externalId })
        .where(eq(pollDeliveries.id, row.id)),
  };
}

/**
 * Sends pending poll messages, reminders and results (of some polls, or of any) through the
 * delivery engine, and marks each sent (with the message id, so counters can be edited later),
 * failed (permanently undeliverable, or too many attempts) or pending again. `limit`: one claim of
 * that many rows (a command answering with how many went); otherwise until nothing is left.
 * Returns how many were sent.
 */
export async function deliverPending(
  deps: Deps,
  options: { pollIds?: number[]; limit?: number; wake?: boolean } = {},
): Promise<number> {
  const ledger = pollLedger(deps, options);
  if (options.limit) ledger.batch = () => options.limit!;
  const stats = await deliverLedger(deps, ledger, {
    once: options.limit !== undefined,
    wake: options.wake ? () => deliverPending(deps, options) : undefined,
  });
  return stats.sent;
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
