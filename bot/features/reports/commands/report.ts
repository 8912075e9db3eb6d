import { asc, isNull } from 'drizzle-orm';
import { units } from '../../../../db/schema';
import { DeliveryError } from '../../../kernel/errors';
import { ROLE_RANK, type SentRef } from '../../../kernel/types';
import { readFlags, UsageProblem } from '../../../runtime/flags';
import type { CommandContext, Scope } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { findUnitByCode, findUnitById, type UnitRow } from '../../org';
import { collectReport, type PeriodRequest, resolvePeriod } from '../collect';
import { type DeliveryFormat, deliverReport } from '../deliver';

export interface ReportArgs {
  code?: string;
  period: PeriodRequest;
  format: DeliveryFormat;
}

const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
const FORMATS = ['md', 'csv', 'docx'] as const;
const CODE = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** The longest custom period a report covers, and the years a date may name. */
export const MAX_PERIOD_DAYS = 366;
const YEARS = { min: 2000, max: 2099 };
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `[UNIT_CODE] [--period …] [--format …]` in any order; null (usage) for a malformed token. An unknown
 * or repeated flag, a reversed period, one longer than MAX_PERIOD_DAYS or outside 2000–2099 throws a
 * UsageProblem saying so.
 */
export function parseReportArgs(text: string): ReportArgs | null {
  const tokens = text.split(/\s+/).filter(Boolean);
  // The unit code may stand anywhere between the flags.
  const positional: string[] = [];
  const flagTokens: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    flagTokens.push(token);
    const next = tokens[i + 1];
    if ((token === '--period' || token === '--format') && next !== undefined && !next.startsWith('--')) {
      flagTokens.push(next);
      i++;
    }
  }
  const flags = readFlags(flagTokens.join(' '), { period: 'value', format: 'value' });
  if (positional.length > 1 || (positional[0] !== undefined && !CODE.test(positional[0]))) return null;
  const args: ReportArgs = { code: positional[0], period: { current: 'week' }, format: 'chat' };
  if (args.code === undefined) delete args.code;
  if (typeof flags.format === 'string') {
    if (!(FORMATS as readonly string[]).includes(flags.format)) return null;
    args.format = flags.format as DeliveryFormat;
  }
  const value = flags.period;
  const current = typeof value === 'string' ? CURRENT[value] : undefined;
  const last = typeof value === 'string' ? LAST[value] : undefined;
  if (current) args.period = { current };
  else if (last) args.period = last;
  else if (typeof value === 'string') {
    const range = RANGE.exec(value);
    if (!range) return null;
    args.period = { from: range[1]!, to: range[2]! };
    checkRange(args.period);
  }
  return args;
}

/** `--period today|week|month|quarter`: the current one so far (today included). */
const CURRENT: Record<string, 'day' | 'week' | 'month' | 'quarter'> = {
  today: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
};
/** `--period last-week|last-month|last-quarter`: the last complete one, like the committee's reports. */
const LAST: Record<string, 'week' | 'month' | 'quarter'> = {
  'last-week': 'week',
  'last-month': 'month',
  'last-quarter': 'quarter',
};

function checkRange(range: { from: string; to: string }): void {
  const period = resolvePeriod(range, new Date(0), 'UTC');
  const years = [range.from, range.to].map((date) => Number(date.slice(0, 4)));
  if (years.some((year) => year < YEARS.min || year > YEARS.max)) {
    throw new UsageProblem('report.periodYears', { min: YEARS.min, max: YEARS.max });
  }
  if (!period) {
    if (range.from > range.to)
      throw new UsageProblem('report.periodReversed', { from: range.from, to: range.to });
    throw new UsageProblem('report.periodInvalid', { period: `${range.from}..${range.to}` });
  }
  if ((period.to.getTime() - period.from.getTime()) / DAY_MS > MAX_PERIOD_DAYS) {
    throw new UsageProblem('report.periodTooLong', { max: MAX_PERIOD_DAYS });
  }
}

/** The unit asked for, else the group's bound unit, else the highest unit the caller holds a role on. */
async function reportUnit(ctx: CommandContext, code: string | undefined): Promise<UnitRow | undefined> {
  const { db } = ctx.deps;
  if (code) return findUnitByCode(db, code);
  if (ctx.chat?.unitId) return findUnitById(db, ctx.chat.unitId);
  const held = ctx.actor.roles.filter((r) => ROLE_RANK[r.role] >= ROLE_RANK.collaborator);
  if (held.some((r) => r.unitId === null)) {
    const [root] = await db
      .select()
      .from(units)
      .where(isNull(units.parentId))
      .orderBy(asc(units.id))
      .limit(1);
    return root;
  }
  const top = held
    .filter((r) => r.unitId !== null)
    .sort((a, b) => (a.unitPath ?? '').length - (b.unitPath ?? '').length)[0];
  return top?.unitId ? findUnitById(db, top.unitId) : undefined;
}

/**
 * /report: a situation report of a unit's subtree for a finished period, sent privately to the one
 * who asked (typed in a group, the group is told so): the text and the chart by default, one file
 * with --format.
 */
export const reportCommand = defineCommand<ReportArgs>({
  name: 'report',
  minRole: 'collaborator',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.report',
  usageKey: 'usage.report',
  parse: (args) => {
    // An impossible date range is a usage error (with its reason), decided before anything runs.
    return parseReportArgs(args);
  },
  async scope(ctx, { code }): Promise<Scope> {
    const unit = await reportUnit(ctx, code);
    if (!unit) {
      return {
        ok: false,
        message: code ? ctx.t('error.unknownUnit', { code }) : ctx.t('report.noUnit'),
      };
    }
    return { ok: true, unit: { id: unit.id, path: unit.path } };
  },
  async run(ctx, { code, period, format }) {
    const { deps } = ctx;
    const unit = (await reportUnit(ctx, code))!;
    const resolved = resolvePeriod(period, deps.clock.now(), deps.config.timezone)!;
    const report = await collectReport(deps, { unit, period: resolved, locale: ctx.actor.locale });
    if (ctx.event.chat.kind === 'dm') {
      await deliverReport(deps, ctx.event.chat, report, format, { locale: ctx.actor.locale });
      return;
    }
    // Typed in a group: the unit's report is for the one who asked, not for every worker there.
    const { from } = ctx.event;
    let intro: SentRef;
    try {
      intro = await deps.messenger.for(from.platform).sendDm(from, { text: ctx.t('report.privateIntro') });
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      return ctx.reply(ctx.t('report.openDmFirst'));
    }
    await deliverReport(deps, intro.chat, report, format, { locale: ctx.actor.locale });
    await ctx.reply(ctx.t('report.sentPrivately'));
  },
});
