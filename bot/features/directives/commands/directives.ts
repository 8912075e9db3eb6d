import { and, eq, sql } from 'drizzle-orm';
import { directiveDeliveries } from '../../../../db/schema';
import { formatDateTime } from '../../../kernel/time';
import { TYPED_UNIT_CODE_PATTERN } from '../../../kernel/units';
import type { MessageKey } from '../../../messages';
import { type CommandContext, defineCommand, type Scope } from '../../../runtime/types';
import { audienceScope } from '../audience';
import { campaignCosts } from '../cost';
import { cancelDirective, type DirectiveRow, findDirective, listDirectives } from '../directives';
import { queueOccurrence } from '../materialise';
import { directiveMessage } from '../message';
import { directiveReach, directiveSummaries } from '../reach';
import { DIRECTIVE_ID_PATTERN } from '../scenario-schema';

const parseId = (args: string) => (DIRECTIVE_ID_PATTERN.test(args) ? { id: args.toUpperCase() } : null);

async function loadDirective(ctx: CommandContext, id: string): Promise<DirectiveRow | undefined> {
  const directive = await findDirective(ctx.deps.db, id);
  if (!directive) await ctx.reply(ctx.t('error.unknownDirective', { id }));
  return directive;
}

/** The admin must cover every unit the directive goes to (or the units named). */
async function directiveScope(ctx: CommandContext, id: string, unitCodes?: string[]): Promise<Scope> {
  const directive = await findDirective(ctx.deps.db, id);
  if (!directive) return { ok: false, message: ctx.t('error.unknownDirective', { id }) };
  const scope = await audienceScope(ctx.deps.db, unitCodes?.length ? unitCodes : directive.audience);
  if (!scope.ok) return { ok: false, message: ctx.t('error.unknownUnit', { code: scope.unknown }) };
  return { ok: true, unit: scope.scope };
}

/** /directives: every directive with its next send, last send and reach. */
export const directivesCommand = defineCommand<Record<string, never>>({
  name: 'directives',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.directives',
  usageKey: 'usage.directives',
  parse: (args) => (args === '' ? {} : null),
  async run(ctx) {
    const { db, config } = ctx.deps;
    const rows = await listDirectives(db);
    if (rows.length === 0) {
      await ctx.reply(ctx.t('directives.none'));
      return;
    }
    const when = (date: Date) => formatDateTime(date, config.timezone);
    const summaries = await directiveSummaries(
      db,
      rows.map((row) => row.id),
    );
    const lines = [ctx.t('directives.title', { count: rows.length })];
    for (const row of rows) {
      const summary = summaries.get(row.id)!;
      lines.push(
        ctx.t('directives.line', {
          id: row.key,
          title: row.title,
          state: row.cancelledAt ? ctx.t('directives.cancelled') : '',
        }),
      );
      if (!row.cancelledAt)
        lines.push(
          row.nextOccurrenceAt
            ? ctx.t('directives.next', { when: when(row.nextOccurrenceAt) })
            : ctx.t('directives.nextNone'),
        );
      const last = summary.last;
      lines.push(
        last
          ? ctx.t('directives.last', {
              when: when(last.occurrence),
              delivered: last.delivered,
              targeted: last.targeted,
              failed: last.failed ? ctx.t('directives.failed', { count: last.failed }) : '',
            })
          : ctx.t('directives.lastNone'),
      );
      if (row.ack) lines.push(ctx.t('directives.acks', { count: summary.acks }));
      if (summary.skipped > 0)
        lines.push(ctx.t('directives.skipped', { count: summary.skipped, when: when(summary.lastSkipped!) }));
    }
    lines.push('', ctx.t('directives.tz', { timezone: config.timezone }));
    await ctx.reply(lines.join('\n'));
  },
});

/** /push ID [UNIT_CODE…]: one extra occurrence now, to the directive's audience or the units named. */
export const pushCommand = defineCommand<{ id: string; units: string[] }>({
  name: 'push',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.push',
  usageKey: 'usage.push',
  parse: (args) => {
    const [id = '', ...units] = args.split(/\s+/);
    if (!DIRECTIVE_ID_PATTERN.test(id) || !units.every((code) => TYPED_UNIT_CODE_PATTERN.test(code)))
      return null;
    return { id: id.toUpperCase(), units: [...new Set(units.map((code) => code.toUpperCase()))] };
  },
  scope: (ctx, { id, units }) => directiveScope(ctx, id, units),
  async run(ctx, { id, units }) {
    const { db, clock, messenger } = ctx.deps;
    const directive = await loadDirective(ctx, id);
    if (!directive) return;
    if (directive.cancelledAt) {
      await ctx.reply(ctx.t('push.cancelled', { id }));
      return;
    }
    const now = clock.now();
    const costs = await costLines(ctx, units.length ? units : directive.audience);
    const queued = await db.transaction((tx) =>
      queueOccurrence(tx, directive, now, {
        now,
        platforms: messenger.platforms(),
        messenger,
        manual: true,
        unitCodes: units.length ? units : undefined,
      }),
    );
    await ctx.reply(
      queued.chats + queued.people === 0
        ? ctx.t('push.noChats', { id })
        : ctx.t('push.queued', {
            title: directive.title,
            count: queued.chats,
            dms: queued.people ? ctx.t('push.queuedDms', { count: queued.people }) : '',
            id,
          }),
    );
    if (queued.chats + queued.people > 0) for (const line of costs) await ctx.reply(line);
  },
});

/** /preview ID: the message exactly as groups will get it, in the admin's DM (its button records nothing). */
export const previewCommand = defineCommand<{ id: string }>({
  name: 'preview',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.preview',
  usageKey: 'usage.preview',
  parse: parseId,
  async run(ctx, { id }) {
    const directive = await loadDirective(ctx, id);
    if (!directive) return;
    const { messenger, config } = ctx.deps;
    const from = ctx.event.from;
    await messenger.sendDm(from, { text: ctx.t('directive.previewNote', { id }) });
    await messenger.sendDm(from, directiveMessage(directive, config.locale, 'preview'));
    for (const line of await costLines(ctx, directive.audience)) await messenger.sendDm(from, { text: line });
    if (ctx.event.chat.kind === 'group') await ctx.reply(ctx.t('preview.sent'));
  },
});

/** /cancel ID: no more occurrences; queued sends are dropped. */
export const cancelCommand = defineCommand<{ id: string }>({
  name: 'cancel',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.cancel',
  usageKey: 'usage.cancel',
  parse: parseId,
  scope: (ctx, { id }) => directiveScope(ctx, id),
  async run(ctx, { id }) {
    const { db, clock } = ctx.deps;
    const directive = await loadDirective(ctx, id);
    if (!directive) return;
    const result = await db.transaction(async (tx) => {
      const [queued] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(directiveDeliveries)
        .where(
          and(eq(directiveDeliveries.directiveId, directive.id), eq(directiveDeliveries.status, 'pending')),
        );
      const changed = await cancelDirective(tx, directive.id, clock.now());
      return { changed, skipped: Number(queued?.count ?? 0) };
    });
    await ctx.reply(
      result.changed
        ? ctx.t('cancel.done', { id, title: directive.title, skipped: result.skipped })
        : ctx.t('cancel.already', { id }),
    );
  },
});

/** /reach ID: per unit, chats reached, failed and pending, and acknowledgements (counts only). */
export const reachCommand = defineCommand<{ id: string }>({
  name: 'reach',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.reach',
  usageKey: 'usage.reach',
  parse: parseId,
  async run(ctx, { id }) {
    const directive = await loadDirective(ctx, id);
    if (!directive) return;
    const reach = await directiveReach(ctx.deps.db, directive.id);
    if (reach.units.length === 0 && reach.dms.people === 0) {
      await ctx.reply(ctx.t('reach.none', { id }));
      return;
    }
    const lines = [ctx.t('reach.title', { id, title: directive.title })];
    let delivered = 0;
    let chats = 0;
    for (const unit of reach.units) {
      delivered += unit.delivered;
      chats += unit.chats;
      lines.push(
        ctx.t('reach.unit', {
          unit: `${unit.name} (${unit.code})`,
          delivered: unit.delivered,
          chats: unit.chats,
          failed: unit.failed ? ctx.t('reach.failedPart', { count: unit.failed }) : '',
          pending: unit.pending ? ctx.t('reach.pendingPart', { count: unit.pending }) : '',
          acks: unit.acked,
          members: unit.members,
          rate:
            unit.members > 0
              ? `${Math.round((100 * unit.acked) / unit.members)}%`
              : ctx.t('reach.rateUnknown'),
        }),
      );
    }
    if (reach.dms.people > 0) {
      const { dms } = reach;
      lines.push(
        ctx.t('reach.dms', {
          delivered: dms.delivered,
          people: dms.people,
          failed: dms.failed ? ctx.t('reach.failedPart', { count: dms.failed }) : '',
          pending: dms.pending ? ctx.t('reach.pendingPart', { count: dms.pending }) : '',
          acks: dms.acked,
        }),
      );
    }
    if (reach.failures.length > 0) {
      lines.push('', ctx.t('reach.failures'));
      for (const failure of reach.failures.slice(0, 20)) lines.push(ctx.t('reach.failure', { ...failure }));
    }
    lines.push('', ctx.t('reach.total', { delivered, chats, acks: reach.acks }));
    await ctx.reply(lines.join('\n'));
  },
});

/** One line per platform with a messaging allowance: what a send to `audience` costs there. */
async function costLines(ctx: CommandContext, audience: readonly string[]): Promise<string[]> {
  const costs = await campaignCosts(ctx.deps.db, ctx.deps.messenger, audience);
  return costs.map((cost) =>
    ctx.t('directive.cost', {
      platform: ctx.t(`platform.${cost.platform}` as MessageKey),
      total: cost.groups + cost.dms,
      groups: cost.groups,
      dms: cost.dms,
    }),
  );
}
