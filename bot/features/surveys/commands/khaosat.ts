import { desc, eq } from 'drizzle-orm';
import { surveys, surveyTemplates } from '../../../../db/schema';
import { MIN_ANSWERS, MIN_COMMENTS } from '../../../kernel/anonymity';
import { can } from '../../../kernel/roles';
import { formatDateTime, parseDuration, parseLocalDateTime } from '../../../kernel/time';
import { TYPED_UNIT_CODE_PATTERN } from '../../../kernel/units';
import { decimalInteger, readFlags, UsageProblem } from '../../../runtime/flags';
import type { CommandContext } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { findUnitByCode, findUnitById, type UnitRow } from '../../org';
import { announceSurvey } from '../announce';
import { bankSubset, QUESTION_BANK } from '../bank';
import { closeSurveyNow } from '../close';
import { beginReply } from '../conversation';
import { buildHeatMap, heatMapCsv, heatMapMarkdown, heatMapPng } from '../heatmap';
import { renderResults, surveyResults } from '../results';
import {
  beginSurvey,
  findSurvey,
  findTemplate,
  insertSurvey,
  nextBankRun,
  nextTemplateBankRun,
  openSurveysFor,
} from '../store';
import { DEFAULT_OPEN_MS, MAX_OPEN_MS, MIN_OPEN_MS, START_PREFIX } from '../types';

type Args =
  | { action: 'start'; key: string; units?: string[]; closes?: string }
  | { action: 'pulse'; size: number; units?: string[]; closes?: string }
  | { action: 'list' }
  | { action: 'results' | 'close' | 'heatmap'; id: number };

const FLAGS = { units: 'value', closes: 'value', size: 'value' } as const;
const KEY = /^[a-z0-9][a-z0-9._-]*$/;
const ID = /^#?([1-9]\d{0,8})$/;
const DEFAULT_PULSE_SIZE = 5;
const STATUS_KEY = {
  open: 'surveys.status.open',
  closing: 'surveys.status.closing',
  closed: 'surveys.status.closed',
} as const;
const MAX_PULSE_SIZE = 10;

/** `start KEY …`, `pulse …`, `list`, `results ID`, `close ID`; null → usage. */
export function parseSurveyArgs(text: string): Args | null {
  const [action = '', ...rest] = text.trim().split(/\s+/);
  switch (action.toLowerCase()) {
    case 'list':
    case '':
      return rest.length === 0 ? { action: 'list' } : null;
    case 'results':
    case 'close':
    case 'heatmap': {
      const match = ID.exec(rest.join(' '));
      return match
        ? { action: action.toLowerCase() as 'results' | 'close' | 'heatmap', id: Number(match[1]) }
        : null;
    }
    case 'start': {
      const [key = '', ...flagTokens] = rest;
      if (!KEY.test(key)) return null;
      const flags = readFlags(flagTokens.join(' '), FLAGS);
      if (flags.size !== undefined)
        throw new UsageProblem('flags.unknown', { flag: '--size', known: '--units --closes' });
      return { action: 'start', key, ...unitsAndCloses(flags) };
    }
    case 'pulse': {
      const flags = readFlags(rest.join(' '), FLAGS);
      const size = typeof flags.size === 'string' ? decimalInteger('--size', flags.size) : DEFAULT_PULSE_SIZE;
      if (size < 1 || size > MAX_PULSE_SIZE)
        throw new UsageProblem('surveys.create.badSize', { max: MAX_PULSE_SIZE });
      return { action: 'pulse', size, ...unitsAndCloses(flags) };
    }
    default:
      return null;
  }
}

function unitsAndCloses(flags: Record<string, string | true>): { units?: string[]; closes?: string } {
  const out: { units?: string[]; closes?: string } = {};
  if (typeof flags.units === 'string') {
    const codes = flags.units.split(',').filter(Boolean);
    if (codes.length === 0 || codes.some((code) => !TYPED_UNIT_CODE_PATTERN.test(code)))
      throw new UsageProblem('surveys.create.badUnits', { value: flags.units });
    out.units = codes.map((code) => code.toUpperCase());
  }
  if (typeof flags.closes === 'string') out.closes = flags.closes;
  return out;
}

type Resolved = { ok: true; units: UnitRow[]; closesAt: Date } | { ok: false; message: string };

async function resolveTarget(
  ctx: CommandContext,
  args: { units?: string[]; closes?: string },
): Promise<Resolved> {
  const { t } = ctx;
  const found: UnitRow[] = [];
  if (args.units) {
    for (const code of new Set(args.units)) {
      const unit = await findUnitByCode(ctx.deps.db, code);
      if (!unit) return { ok: false, message: t('error.unknownUnit', { code }) };
      found.push(unit);
    }
  } else {
    const unit = ctx.chat?.unitId ? await findUnitById(ctx.deps.db, ctx.chat.unitId) : undefined;
    if (!unit) return { ok: false, message: t('surveys.create.whichUnits') };
    found.push(unit);
  }
  const now = ctx.deps.clock.now();
  let closesAt = new Date(now.getTime() + DEFAULT_OPEN_MS);
  if (args.closes) {
    const duration = parseDuration(args.closes);
    const at =
      duration === undefined
        ? parseLocalDateTime(args.closes, ctx.deps.config.timezone)
        : new Date(now.getTime() + duration);
    if (!at || at.getTime() - now.getTime() < MIN_OPEN_MS || at.getTime() - now.getTime() > MAX_OPEN_MS)
      return { ok: false, message: t('surveys.create.badCloses', { value: args.closes }) };
    closesAt = at;
  }
  return { ok: true, units: found, closesAt };
}

async function scopeOf(ctx: CommandContext, args: Args) {
  if (args.action === 'start' || args.action === 'pulse') {
    const resolved = await resolveTarget(ctx, args);
    if (!resolved.ok) return resolved;
    const uncovered = resolved.units.find((unit) => !can(ctx.actor.roles, 'admin', unit));
    return { ok: true as const, unit: uncovered ?? resolved.units[0]! };
  }
  if (args.action === 'results' || args.action === 'close' || args.action === 'heatmap') {
    const survey = await findSurvey(ctx.deps.db, args.id);
    if (!survey) return { ok: false as const, message: ctx.t('surveys.unknownId', { id: args.id }) };
    for (const id of survey.audience) {
      const unit = await findUnitById(ctx.deps.db, id);
      if (unit && !can(ctx.actor.roles, 'admin', unit)) return { ok: true as const, unit };
    }
    return { ok: true as const, unit: null };
  }
  return { ok: true as const, unit: null };
}

/** /khaosat (alias /survey): admins open, list, close surveys and read their results. */
export const surveyCommand = defineCommand<Args>({
  name: 'khaosat',
  aliases: ['survey'],
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.khaosat',
  usageKey: 'usage.khaosat',
  parse: parseSurveyArgs,
  scope: scopeOf,
  async run(ctx, args) {
    const { deps, t } = ctx;
    const now = deps.clock.now();
    switch (args.action) {
      case 'list': {
        const templates = await deps.db
          .select()
          .from(surveyTemplates)
          .where(eq(surveyTemplates.active, true));
        const recent = await deps.db.select().from(surveys).orderBy(desc(surveys.id)).limit(10);
        const lines = [t('surveys.list.templates')];
        lines.push(
          templates.length === 0
            ? `  ${t('surveys.list.none')}`
            : templates
                .map((tp) => `  • ${tp.key} — ${tp.title} (${tp.bankSize ?? tp.questions.length})`)
                .join('\n'),
        );
        lines.push(t('surveys.list.bank', { n: QUESTION_BANK.length }));
        lines.push(t('surveys.list.recent'));
        lines.push(
          recent.length === 0
            ? `  ${t('surveys.list.none')}`
            : recent.map((s) => `  #${s.id} ${s.title} — ${t(STATUS_KEY[s.status])}`).join('\n'),
        );
        return ctx.reply(lines.join('\n'));
      }
      case 'results': {
        const survey = await findSurvey(deps.db, args.id);
        if (!survey) return ctx.reply(t('surveys.unknownId', { id: args.id }));
        return ctx.reply(renderResults(await surveyResults(deps.db, survey), t, ctx.actor.locale));
      }
      case 'heatmap':
        return sendHeatMap(ctx, args.id);
      case 'close': {
        const closed = await closeSurveyNow(deps, args.id, now);
        if (!closed) return ctx.reply(t('surveys.closeRefused', { id: args.id }));
        const survey = await findSurvey(deps.db, args.id);
        return ctx.reply(
          t(survey?.status === 'closed' ? 'surveys.closedNow' : 'surveys.closingNow', { id: args.id }),
        );
      }
      case 'start':
      case 'pulse': {
        const resolved = await resolveTarget(ctx, args);
        if (!resolved.ok) return ctx.reply(resolved.message);
        let draft: Parameters<typeof insertSurvey>[1];
        if (args.action === 'start') {
          const template = await findTemplate(deps.db, args.key);
          if (!template?.active) return ctx.reply(t('surveys.unknownKey', { key: args.key }));
          // A bank template opens the next run of its own rotation.
          const bankRun = template.bankSize ? await nextTemplateBankRun(deps.db, template.key) : null;
          draft = {
            title: template.title,
            questions: bankRun === null ? template.questions : bankSubset(bankRun, template.bankSize!),
            audience: resolved.units,
            closesAt: resolved.closesAt,
            minAnswers: template.minAnswers,
            minTexts: template.minTexts,
            templateKey: template.key,
            bankRun,
            createdBy: ctx.actor.person.id,
          };
        } else {
          const run = await nextBankRun(deps.db);
          draft = {
            title: t('surveys.pulseTitle', { run: run + 1 }),
            questions: bankSubset(run, args.size),
            audience: resolved.units,
            closesAt: resolved.closesAt,
            minAnswers: MIN_ANSWERS,
            minTexts: MIN_COMMENTS,
            templateKey: null,
            bankRun: run,
            createdBy: ctx.actor.person.id,
          };
        }
        const survey = await insertSurvey(deps.db, { ...draft, openedAt: now });
        const groups = await announceSurvey(deps, ctx.t, survey, resolved.units);
        return ctx.reply(
          t('surveys.create.done', {
            id: survey.id,
            total: survey.questions.length,
            groups,
            time: formatDateTime(survey.closesAt, deps.config.timezone),
          }),
        );
      }
    }
  },
});

/** /lamkhaosat [ID] (alias /takesurvey), in the DM: start or resume a survey; without ID, the list. */
export const takeSurveyCommand = defineCommand<{ id: number | null }>({
  name: 'lamkhaosat',
  aliases: ['takesurvey'],
  minRole: null,
  where: 'dm',
  audited: false,
  descriptionKey: 'cmd.lamkhaosat',
  usageKey: 'usage.lamkhaosat',
  parse: (args) => {
    if (args.trim() === '') return { id: null };
    const match = ID.exec(args.trim());
    return match ? { id: Number(match[1]) } : null;
  },
  async run(ctx, { id }) {
    const { deps, t } = ctx;
    const now = deps.clock.now();
    let surveyId = id;
    if (surveyId === null) {
      const open = await openSurveysFor(deps.db, ctx.actor.person.id, now);
      if (open.length === 0) return ctx.reply(t('surveys.noneOpen'));
      if (open.length > 1) {
        return ctx.reply({
          text: t('surveys.pick'),
          buttons: open.map((s) => [
            { label: `#${s.id} ${s.title}`.slice(0, 60), data: `${START_PREFIX}:${s.id}` },
          ]),
        });
      }
      surveyId = open[0]!.id;
    }
    const outcome = await beginSurvey(deps.db, { surveyId, personId: ctx.actor.person.id, now });
    return ctx.reply(beginReply(ctx, outcome));
  },
});

/** `/khaosat heatmap ID`: the PNG where the chat shows pictures, the table as text, the CSV as a file. */
async function sendHeatMap(ctx: CommandContext, id: number): Promise<void> {
  const { deps, t } = ctx;
  const survey = await findSurvey(deps.db, id);
  if (!survey) return ctx.reply(t('surveys.unknownId', { id }));
  if (survey.status !== 'closed') return ctx.reply(t('surveys.heatmap.notClosed', { id }));
  const map = await buildHeatMap(deps.db, survey);
  if (map.units.length === 0) return ctx.reply(t('surveys.heatmap.empty', { id }));
  const chat = ctx.event.chat;
  const messenger = deps.messenger.for(chat.platform);
  const capabilities = messenger.capabilities;
  if (capabilities.images && messenger.sendImage) {
    await messenger.sendImage(chat, {
      name: `survey-${id}-heatmap.png`,
      data: heatMapPng(map, t, ctx.actor.locale),
      caption: t('surveys.heatmap.title', { id, title: survey.title }),
    });
  }
  await ctx.reply(heatMapMarkdown(map, t, ctx.actor.locale));
  if (capabilities.files && messenger.sendFile) {
    await messenger.sendFile(chat, {
      name: `survey-${id}-heatmap.csv`,
      mime: 'text/csv',
      data: new TextEncoder().encode(heatMapCsv(map)),
    });
  }
}
