import { desc, eq } from 'drizzle-orm';
import { reportRequests } from '../../../db/schema';
import { can } from '../../kernel/roles';
import { formatDateTime, localParts, parseDuration, zonedTimeToUtc } from '../../kernel/time';
import { TYPED_UNIT_CODE_PATTERN } from '../../kernel/units';
import { UsageProblem } from '../../runtime/flags';
import type { MessageListener } from '../../runtime/handle-event';
import type { ButtonHandler, CommandContext, Scope } from '../../runtime/types';
import { defineCommand } from '../../runtime/types';
import { findUnitByCode, findUnitById, type UnitRow } from '../org';
import { reportButton } from './buttons';
import { deliverCompiled } from './compile';
import { answerMood, answerSection, editSection, openDraft, sendDraft } from './drafts';
import { askForReports } from './requests';
import {
  commonScope,
  coverageOf,
  editingDraftOf,
  findRequest,
  requestTargets,
  rootUnits,
  submissionsOf,
  targetUnits,
} from './store';
import { DEFAULT_TEMPLATE, TEMPLATE_NAMES, templateSections } from './templates';

interface AskArgs {
  units: string[];
  until: string;
  template: string;
  title: string;
}

/** `UNIT… --until WHEN [--template NAME] [TITLE…]`; null (usage) when the shape is wrong; a bad flag is named. */
function parseAsk(args: string): AskArgs | null {
  const tokens = args.split(/\s+/).filter(Boolean);
  const units: string[] = [];
  while (tokens.length > 0 && !tokens[0]!.startsWith('--')) {
    const code = tokens.shift()!;
    if (!TYPED_UNIT_CODE_PATTERN.test(code)) return null;
    units.push(code.toUpperCase());
  }
  let until: string | undefined;
  let template = DEFAULT_TEMPLATE;
  const title: string[] = [];
  while (tokens.length > 0) {
    const token = tokens.shift()!;
    if (token === '--until' || token === '--template') {
      const value = tokens.shift();
      if (value === undefined || value.startsWith('--'))
        throw new UsageProblem('flags.missingValue', { flag: token });
      if (token === '--until') until = value;
      else template = value.toLowerCase();
    } else if (token.startsWith('--'))
      throw new UsageProblem('flags.unknown', { flag: token, known: '--until --template' });
    else title.push(token);
  }
  if (units.length === 0 || until === undefined) return null;
  return { units: [...new Set(units)], until, template, title: title.join(' ') };
}

/** "17:00" today, "05/12" (its end) or "05/12-17:00" this year, or a duration "2d", "48h". */
export function readDeadline(text: string, now: Date, timeZone: string): Date | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return new Date(now.getTime() + duration);
  const today = localParts(now, timeZone);
  const m = /^(?:(\d{1,2})\/(\d{1,2}))?(?:-?(\d{1,2}):(\d{2}))?$/.exec(text);
  if (!m || (m[1] === undefined && m[3] === undefined)) return undefined;
  const day = m[1] ? Number(m[1]) : today.day;
  const month = m[2] ? Number(m[2]) : today.month;
  const [hour, minute] = m[3] ? [Number(m[3]), Number(m[4])] : [23, 59];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const check = new Date(Date.UTC(today.year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  return zonedTimeToUtc({ year: today.year, month, day, hour, minute }, timeZone);
}

async function unitsScope(
  ctx: CommandContext,
  codes: readonly string[],
): Promise<{ units: UnitRow[] } | Scope> {
  const found: UnitRow[] = [];
  for (const code of codes) {
    const unit = await findUnitByCode(ctx.deps.db, code);
    if (!unit) return { ok: false, message: ctx.t('sr.unknownUnit', { code }) };
    found.push(unit);
  }
  return { units: found };
}

/** /yeucau UNIT… --until 17:00 [--template NAME] [TITLE]: asks the cells under the units for a report now. */
export const askCommand = defineCommand<AskArgs>({
  name: 'yeucau',
  aliases: ['ask'],
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.yeucau',
  usageKey: 'usage.yeucau',
  parse: parseAsk,
  async scope(ctx, args) {
    const found = await unitsScope(ctx, args.units);
    if ('ok' in found) return found;
    const scope = await commonScope(ctx.deps.db, found.units);
    // The dispatcher checks one unit: the admin role must cover every unit named.
    if (!found.units.every((u) => can(ctx.actor.roles, 'admin', u)))
      return { ok: true, unit: found.units.find((u) => !can(ctx.actor.roles, 'admin', u))! };
    return { ok: true, unit: scope };
  },
  async run(ctx, args) {
    const { deps, t } = ctx;
    if (!templateSections(args.template))
      return ctx.reply(t('sr.unknownTemplate', { name: args.template, known: TEMPLATE_NAMES.join(', ') }));
    const now = deps.clock.now();
    const deadline = readDeadline(args.until, now, deps.config.timezone);
    if (!deadline) return ctx.reply(t('sr.badUntil', { value: args.until }));
    if (deadline <= now) return ctx.reply(t('sr.untilPast', { value: args.until }));
    const found = await unitsScope(ctx, args.units);
    if ('ok' in found) return;
    const targets = await targetUnits(deps.db, found.units);
    if (targets.length === 0) return ctx.reply(t('sr.noTargets'));
    const asked = await askForReports(deps, {
      title: args.title || t('sr.adhocTitle'),
      roots: found.units,
      template: args.template,
      deadline,
      createdBy: ctx.actor.person.id,
    });
    if (!asked) return ctx.reply(t('sr.noTargets'));
    await ctx.reply(
      t('sr.asked', {
        id: asked.request.id,
        count: asked.targets.length,
        deadline: formatDateTime(deadline, deps.config.timezone),
      }),
    );
  },
});

/** One line per unit of a request: ✅ on time, ⏰ late, ✍️ drafting, ❌ missing. */
async function requestLines(ctx: CommandContext, requestId: number): Promise<string[]> {
  const { t } = ctx;
  const request = (await findRequest(ctx.deps.db, requestId))!;
  const targets = await requestTargets(ctx.deps.db, requestId);
  const subs = new Map((await submissionsOf(ctx.deps.db, requestId)).map((s) => [s.unitId, s]));
  const now = ctx.deps.clock.now();
  const counts = { submitted: 0, late: 0, missing: 0 };
  const lines = targets.map(({ unit }) => {
    const sub = subs.get(unit.id);
    if (sub?.status === 'submitted') {
      if (sub.late) counts.late++;
      else counts.submitted++;
      return t(sub.late ? 'sr.status.late' : 'sr.status.submitted', {
        unit: unit.name,
        at: formatDateTime(sub.submittedAt!, ctx.deps.config.timezone),
      });
    }
    counts.missing++;
    const key =
      sub?.status === 'awaiting_leader'
        ? 'sr.status.awaiting'
        : sub
          ? 'sr.status.draft'
          : 'sr.status.missing';
    return t(key, { unit: unit.name });
  });
  const head = t(now > request.deadline ? 'sr.requests.headPast' : 'sr.requests.head', {
    id: request.id,
    title: request.title,
    deadline: formatDateTime(request.deadline, ctx.deps.config.timezone),
    ...counts,
    total: targets.length,
  });
  return [head, ...lines];
}

/** /requests [ID]: per request, submitted / late / missing per unit. */
export const requestsCommand = defineCommand<{ id?: number }>({
  name: 'requests',
  aliases: ['baocao'],
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.requests',
  usageKey: 'usage.requests',
  parse: (args) => {
    if (args === '') return {};
    const m = /^#?(\d{1,9})$/.exec(args);
    return m ? { id: Number(m[1]) } : null;
  },
  async run(ctx, { id }) {
    const { db } = ctx.deps;
    const rows = id
      ? await db.select().from(reportRequests).where(eq(reportRequests.id, id))
      : await db.select().from(reportRequests).orderBy(desc(reportRequests.id)).limit(20);
    const visible = [];
    for (const row of rows) {
      const scope = await findUnitById(db, row.scopeUnitId);
      if (scope && can(ctx.actor.roles, 'admin', scope)) visible.push(row);
    }
    if (id && visible.length === 0) return ctx.reply(ctx.t('sr.unknownRequest', { id }));
    if (visible.length === 0) return ctx.reply(ctx.t('sr.requests.none'));
    const blocks = [];
    for (const row of visible.slice(0, 5)) blocks.push((await requestLines(ctx, row.id)).join('\n'));
    await ctx.reply(blocks.join('\n\n'));
  },
});

/** /tonghop ID: the compiled report of a request, in Word and Markdown, in the admin's DM. */
export const compileCommand = defineCommand<{ id: number }>({
  name: 'tonghop',
  aliases: ['compile'],
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.tonghop',
  usageKey: 'usage.tonghop',
  parse: (args) => {
    const m = /^#?(\d{1,9})$/.exec(args);
    return m ? { id: Number(m[1]) } : null;
  },
  async scope(ctx, { id }) {
    const request = await findRequest(ctx.deps.db, id);
    const scope = request && (await findUnitById(ctx.deps.db, request.scopeUnitId));
    if (!scope) return { ok: false, message: ctx.t('sr.unknownRequest', { id }) };
    return { ok: true, unit: scope };
  },
  async run(ctx, { id }) {
    const request = (await findRequest(ctx.deps.db, id))!;
    const { from } = ctx.event;
    if (ctx.event.chat.kind !== 'dm') await ctx.reply(ctx.t('sr.compiled.inDm'));
    await deliverCompiled(
      ctx.deps,
      { platform: from.platform, externalId: from.externalId, kind: 'dm' },
      request,
      ctx.actor.locale,
    );
  },
});

/** /ctv [UNIT]: the collaborators of each cell with their last report; cells without one; those who never reported. */
export const collaboratorsCommand = defineCommand<{ unit?: string }>({
  name: 'ctv',
  aliases: ['collaborators'],
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.ctv',
  usageKey: 'usage.ctv',
  parse: (args) => {
    if (args === '') return {};
    return TYPED_UNIT_CODE_PATTERN.test(args) ? { unit: args.toUpperCase() } : null;
  },
  async scope(ctx, { unit }) {
    if (!unit) return { ok: true, unit: null };
    const row = await findUnitByCode(ctx.deps.db, unit);
    return row ? { ok: true, unit: row } : { ok: false, message: ctx.t('sr.unknownUnit', { code: unit }) };
  },
  async run(ctx, { unit: code }) {
    const { db, config } = ctx.deps;
    const { t } = ctx;
    let roots: UnitRow[];
    if (code) roots = [(await findUnitByCode(db, code))!];
    else {
      const held = ctx.actor.roles.filter((r) => r.role === 'admin');
      roots = held.some((r) => r.unitId === null)
        ? await rootUnits(db)
        : (await Promise.all(held.map((r) => findUnitById(db, r.unitId!)))).filter((u): u is UnitRow => !!u);
    }
    const cells = await targetUnits(db, roots);
    if (cells.length === 0) return ctx.reply(t('sr.ctv.none'));
    const coverage = await coverageOf(db, cells);
    const lines: string[] = [t('sr.ctv.title')];
    for (const cell of coverage.cells) {
      lines.push(`• ${cell.unit.name} (${cell.unit.code})`);
      for (const c of cell.collaborators)
        lines.push(
          c.last
            ? t('sr.ctv.last', { name: c.name, at: formatDateTime(c.last, config.timezone) })
            : t('sr.ctv.never', { name: c.name }),
        );
    }
    lines.push(
      t('sr.ctv.coverage', { covered: cells.length - coverage.without.length, total: cells.length }),
    );
    if (coverage.without.length > 0)
      lines.push(t('sr.ctv.without', { units: coverage.without.map((u) => u.name).join(', ') }));
    if (coverage.never.length > 0) lines.push(t('sr.ctv.neverList', { names: coverage.never.join(', ') }));
    await ctx.reply(lines.join('\n'));
  },
});

/** Every button of a report: write, edit a section, mood, send/confirm. Always in the DM. */
export const reportButtons: ButtonHandler = {
  prefix: reportButton.prefix,
  async handle(ctx, payload) {
    const press = reportButton.read(payload);
    if (!press) return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    await ctx.answer('');
    if (press.action === 'write') return openDraft(ctx, press.requestId, press.unitId);
    if (press.action === 'edit') return editSection(ctx, press.id, press.n);
    if (press.action === 'mood') return answerMood(ctx, press.id, press.n);
    return sendDraft(ctx, press.id);
  },
};

/** How long a section prompt waits for its answer. */
const DRAFT_PROMPT_MS = 3 * 86_400_000;

/** A plain DM from someone answering a section of a draft becomes that section's answer. */
export const sectionListener: MessageListener = async (ctx, event) => {
  if (event.chat.kind !== 'dm') return false;
  const since = new Date(ctx.deps.clock.now().getTime() - DRAFT_PROMPT_MS);
  const draft = await editingDraftOf(ctx.deps.db, ctx.actor.person.id, since);
  if (!draft) return false;
  await answerSection(ctx, draft, event.text);
  return true;
};
