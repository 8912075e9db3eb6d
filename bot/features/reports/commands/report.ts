import { asc, isNull } from 'drizzle-orm';
import { units } from '../../../../db/schema';
import { ROLE_RANK } from '../../../kernel/types';
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

/** `[UNIT_CODE] [--period …] [--format …]` in any order; null (usage) for anything else. */
export function parseReportArgs(text: string): ReportArgs | null {
  const tokens = text.split(/\s+/).filter(Boolean);
  const args: ReportArgs = { period: 'week', format: 'chat' };
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--period' || token === '--format') {
      const value = tokens[++i];
      if (value === undefined || seen.has(token)) return null;
      seen.add(token);
      if (token === '--format') {
        if (!(FORMATS as readonly string[]).includes(value)) return null;
        args.format = value as DeliveryFormat;
      } else if (value === 'week' || value === 'month' || value === 'quarter') {
        args.period = value;
      } else {
        const range = RANGE.exec(value);
        if (!range) return null;
        args.period = { from: range[1]!, to: range[2]! };
      }
    } else if (args.code === undefined && !token.startsWith('-') && CODE.test(token)) {
      args.code = token;
    } else {
      return null;
    }
  }
  return args;
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
 * /report: a situation report of a unit's subtree for a finished period, in the chat where it was
 * asked: the text and the chart by default, one file with --format.
 */
export const reportCommand = defineCommand<ReportArgs>({
  name: 'report',
  minRole: 'collaborator',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.report',
  usageKey: 'usage.report',
  parse: (args) => {
    const parsed = parseReportArgs(args);
    if (!parsed) return null;
    // An impossible date range is a usage error, decided before anything runs.
    if (typeof parsed.period === 'object' && !resolvePeriod(parsed.period, new Date(0), 'UTC')) return null;
    return parsed;
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
    await deliverReport(deps, ctx.event.chat, report, format, { locale: ctx.actor.locale });
  },
});
