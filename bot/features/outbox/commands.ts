import type { DbOrTx } from '../../../db/client';
import type { Translate } from '../../messages';
import type { LedgerQueue } from '../../runtime/outbox/store';
import { outboxQueue } from '../../runtime/outbox/store';
import { defineCommand } from '../../runtime/types';
import { directiveQueue } from '../directives';
import { pollQueue } from '../polls';
import { reportQueue } from '../reports';

/** The one outbox and the ledgers that still keep their own rows (sharing outcomes, leases, the limiter). */
export async function allQueues(db: DbOrTx): Promise<LedgerQueue> {
  const parts = await Promise.all([outboxQueue(db), directiveQueue(db), pollQueue(db), reportQueue(db)]);
  return { counts: parts.flatMap((p) => p.counts), failures: parts.flatMap((p) => p.failures) };
}

/** Counts by kind (pending · sending · failed) and the latest failure reasons; counts only, no content. */
export function outboxText(queue: LedgerQueue, t: Translate): string {
  if (queue.counts.length === 0) return t('outbox.empty');
  const byKind = new Map<string, { pending: number; sending: number; failed: number }>();
  for (const row of queue.counts) {
    const entry = byKind.get(row.kind) ?? { pending: 0, sending: 0, failed: 0 };
    entry[row.status] += row.count;
    byKind.set(row.kind, entry);
  }
  const lines = [t('outbox.title'), t('outbox.header')];
  for (const [kind, n] of [...byKind].sort(([a], [b]) => (a < b ? -1 : 1)))
    lines.push(t('outbox.line', { kind, ...n }));
  if (queue.failures.length > 0) {
    lines.push('', t('outbox.failures'));
    for (const failure of queue.failures.slice(0, 8))
      lines.push(t('outbox.failure', { kind: failure.kind, error: failure.error.slice(0, 160) }));
  }
  return lines.join('\n');
}

/** /outbox: for admins, what Pulse still has to send on its own initiative. */
export const outboxCommand = defineCommand<Record<string, never>>({
  name: 'outbox',
  aliases: ['hangdoi'],
  minRole: 'admin',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.outbox',
  usageKey: 'usage.outbox',
  parse: (args) => (args.trim() === '' ? {} : null),
  async run(ctx) {
    await ctx.reply(outboxText(await allQueues(ctx.deps.db), ctx.t));
  },
});
