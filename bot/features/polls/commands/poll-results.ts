import { desc, eq, gte, or } from 'drizzle-orm';
import { polls, pollUnits } from '../../../../db/schema';
import { can, isWithinPath } from '../../../kernel/roles';
import { formatDateTime } from '../../../kernel/time';
import type { Role } from '../../../kernel/types';
import type { CommandContext, Scope } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { findUnitById } from '../../org';
import { type PollAccess, pollAccess, unitScopes } from '../access';
import { closePollNow } from '../close';
import { shownAnsweredCount } from '../participation';
import { loadResults, type Results, renderResults } from '../results';
import type { PollRow } from '../types';

const POLL_ID = /^#?(\d{1,9})$/;
const RECENT_DAYS = 30;
const LIST_LIMIT = 15;

async function accessTo(ctx: CommandContext, poll: PollRow, role: Role): Promise<PollAccess> {
  const cells = await ctx.deps.db
    .select({ unitId: pollUnits.unitId })
    .from(pollUnits)
    .where(eq(pollUnits.pollId, poll.id));
  const scopes = await unitScopes(ctx.deps.db, [...poll.audience, ...cells.map((c) => c.unitId)]);
  const pick = (ids: number[]) => ids.flatMap((id) => (scopes.has(id) ? [scopes.get(id)!] : []));
  return pollAccess(ctx.actor.roles, role, pick(poll.audience), pick(cells.map((c) => c.unitId)));
}

async function findPoll(ctx: CommandContext, id: number): Promise<PollRow | undefined> {
  const [poll] = await ctx.deps.db.select().from(polls).where(eq(polls.id, id));
  return poll;
}

/** The dispatcher's unit check for a command on one poll: unknown polls are a usage error. */
async function pollScope(ctx: CommandContext, id: number, role: Role): Promise<Scope> {
  const poll = await findPoll(ctx, id);
  if (!poll) return { ok: false, message: ctx.t('polls.unknownId', { id }) };
  return { ok: true, unit: (await accessTo(ctx, poll, role)).unit };
}

/** /results ID: the caller's part of the results (all of it for admins above the poll), thresholds applied. */
export const resultsCommand = defineCommand<{ id: number }>({
  name: 'results',
  minRole: 'collaborator',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.results',
  usageKey: 'usage.results',
  parse: (args) => {
    const match = POLL_ID.exec(args);
    return match ? { id: Number(match[1]) } : null;
  },
  scope: (ctx, { id }) => pollScope(ctx, id, 'collaborator'),
  async run(ctx, { id }) {
    const poll = (await findPoll(ctx, id))!;
    const access = await accessTo(ctx, poll, 'collaborator');
    const inGroup = ctx.event.chat.kind === 'group';
    const results = await loadResults(ctx.deps.db, id);
    // In a group everyone reads along: only the group's own part, and never the comments.
    const groupUnit =
      inGroup && ctx.chat?.unitId ? await findUnitById(ctx.deps.db, ctx.chat.unitId) : undefined;
    const groupCells = inGroup ? cellsUnder(results, groupUnit?.path) : undefined;
    const visible = groupCells
      ? new Set([...access.visible].filter((unitId) => groupCells.has(unitId)))
      : access.visible;
    await ctx.reply(
      renderResults(results, {
        locale: ctx.actor.locale,
        timeZone: ctx.deps.config.timezone,
        visibleUnits: access.all && !inGroup ? 'all' : visible,
        comments: !inGroup,
      }),
    );
  },
});

/** The cells inside the subtree of the unit at `path` (none for an unbound group). */
function cellsUnder(results: Results | undefined, path: string | undefined): Set<number> {
  if (!results || !path) return new Set();
  return new Set(
    results.cells.filter((cell) => isWithinPath(cell.unit.path, path)).map((cell) => cell.unit.id),
  );
}

/** /polls: open polls and those closed in the last 30 days that the caller may see. */
export const pollsCommand = defineCommand<Record<string, never>>({
  name: 'polls',
  minRole: 'collaborator',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.polls',
  usageKey: 'usage.polls',
  parse: (args) => (args === '' ? {} : null),
  async run(ctx) {
    const { db, clock, config } = ctx.deps;
    const since = new Date(clock.now().getTime() - RECENT_DAYS * 24 * 60 * 60 * 1000);
    const candidates = await db
      .select()
      .from(polls)
      .where(or(eq(polls.status, 'open'), gte(polls.closedAt, since)))
      .orderBy(desc(polls.id))
      .limit(200);
    const lines: string[] = [];
    for (const poll of candidates) {
      if (lines.length >= LIST_LIMIT) break;
      if (!(await accessTo(ctx, poll, 'collaborator')).allowed) continue;
      const answered = await shownAnsweredCount(db, poll.id);
      const when =
        poll.status === 'open'
          ? ctx.t('polls.list.open', { time: formatDateTime(poll.closesAt, config.timezone) })
          : ctx.t('polls.list.closed', {
              time: formatDateTime(poll.closedAt ?? poll.closesAt, config.timezone),
            });
      lines.push(
        ctx.t('polls.list.line', {
          id: poll.id,
          question: poll.question,
          when,
          answered: answered ?? ctx.t('polls.list.withheld'),
          asked: poll.audienceSize,
        }),
      );
    }
    await ctx.reply(
      lines.length === 0 ? ctx.t('polls.list.none') : [ctx.t('polls.list.title'), ...lines].join('\n'),
    );
  },
});

/** /close ID: closes a poll early; needs the leader role over every unit the poll asked. */
export const closeCommand = defineCommand<{ id: number }>({
  name: 'close',
  minRole: 'leader',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.close',
  usageKey: 'usage.close',
  parse: (args) => {
    const match = POLL_ID.exec(args);
    return match ? { id: Number(match[1]) } : null;
  },
  async scope(ctx, { id }) {
    const poll = await findPoll(ctx, id);
    if (!poll) return { ok: false, message: ctx.t('polls.unknownId', { id }) };
    if (poll.status !== 'open') return { ok: false, message: ctx.t('polls.close.already', { id }) };
    const roots = await unitScopes(ctx.deps.db, poll.audience);
    const units = poll.audience.flatMap((unitId) => (roots.has(unitId) ? [roots.get(unitId)!] : []));
    return {
      ok: true,
      unit: units.find((unit) => !can(ctx.actor.roles, 'leader', unit)) ?? units[0] ?? null,
    };
  },
  async run(ctx, { id }) {
    const closed = await closePollNow(ctx.deps, id, ctx.deps.clock.now());
    await ctx.reply(ctx.t(closed ? 'polls.close.done' : 'polls.close.already', { id }));
  },
});
