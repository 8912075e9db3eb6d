import { z } from 'zod';
import {
  isValidThreshold,
  MAX_THRESHOLD,
  MIN_ANSWERS,
  MIN_COMMENTS,
  MIN_THRESHOLD,
} from '../../../kernel/anonymity';
import { can } from '../../../kernel/roles';
import { formatDateTime, parseDuration, parseLocalDateTime } from '../../../kernel/time';
import { TYPED_UNIT_CODE_PATTERN } from '../../../kernel/units';
import { type MessageKey, translate } from '../../../messages';
import { decimalInteger, readFlags } from '../../../runtime/flags';
import type { CommandContext } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { findUnitByCode, findUnitById, type UnitRow } from '../../org';
import { groupTargets, personTargets } from '../audience';
import { createPoll } from '../create';
import { deliverPending } from '../deliver';
import {
  DEFAULT_OPEN_MS,
  MAX_OPEN_MS,
  MAX_OPTION_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_LENGTH,
  MIN_OPTIONS,
  type PollKind,
  SCALE_EMOJI,
} from '../types';

/** A wrong argument found after parsing, reported with its own message (the dispatcher audits it as usage). */
interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
}

interface PollArgs {
  kind: PollKind;
  question: string;
  /** Choice options; empty for a scale or yes/no poll. */
  options: string[];
  units?: string[];
  dm: boolean;
  closes?: string;
  comments: boolean;
  min?: number;
  problem?: Problem;
}

const FLAG_START = /(^|\s)--[a-z]/;

const flagsSchema = z.strictObject({
  units: z.array(z.string().regex(TYPED_UNIT_CODE_PATTERN)).min(1).optional(),
  dm: z.literal(true).optional(),
  closes: z.string().min(1).optional(),
  comments: z.literal(true).optional(),
  min: z.number().int().optional(),
});

const POLL_FLAGS = {
  units: 'value',
  dm: 'switch',
  closes: 'value',
  comments: 'switch',
  min: 'value',
} as const;

/**
 * `--units CB1,CB2 --dm --closes 24h --comments --min 7` → an object. An unknown or repeated flag,
 * a missing value or a non-decimal --min throws a UsageProblem naming it; null for a bad unit list.
 */
function parseFlags(text: string): z.infer<typeof flagsSchema> | null {
  const flags = readFlags(text, POLL_FLAGS);
  const raw: Record<string, unknown> = { ...flags };
  if (typeof flags.units === 'string') raw.units = flags.units.split(',').filter(Boolean);
  if (typeof flags.min === 'string') raw.min = decimalInteger('--min', flags.min);
  const parsed = flagsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Splits "QUESTION | A | B --flags" and checks what can be checked without the database. */
export function parsePollArgs(args: string, kind: 'scale' | 'choice'): PollArgs | null {
  const flagAt = args.search(FLAG_START);
  const body = (flagAt < 0 ? args : args.slice(0, flagAt)).trim();
  const flags = parseFlags(flagAt < 0 ? '' : args.slice(flagAt));
  if (!flags || body === '') return null;
  const [question = '', ...options] = body.split('|').map((part) => part.trim());
  if (question === '') return null;
  const result: PollArgs = {
    kind: kind === 'scale' ? 'scale' : options.length === 0 ? 'yesno' : 'choice',
    question,
    options: kind === 'scale' ? [] : options,
    units: flags.units?.map((code) => code.toUpperCase()),
    dm: flags.dm ?? false,
    closes: flags.closes,
    comments: flags.comments ?? false,
    min: flags.min,
  };
  result.problem =
    kind === 'scale' && options.length > 0 ? { key: 'polls.create.scaleHasOptions' } : checkPollArgs(result);
  return result;
}

function checkPollArgs(args: PollArgs): Problem | undefined {
  if (args.question.length > MAX_QUESTION_LENGTH) {
    return { key: 'polls.create.questionTooLong', params: { max: MAX_QUESTION_LENGTH } };
  }
  if (args.kind === 'choice') {
    if (args.options.some((option) => option === '')) return { key: 'polls.create.emptyOption' };
    if (args.options.length < MIN_OPTIONS || args.options.length > MAX_OPTIONS) {
      return { key: 'polls.create.optionCount', params: { min: MIN_OPTIONS, max: MAX_OPTIONS } };
    }
    if (args.options.some((option) => option.length > MAX_OPTION_LENGTH)) {
      return { key: 'polls.create.optionTooLong', params: { max: MAX_OPTION_LENGTH } };
    }
    if (new Set(args.options.map((o) => o.toLowerCase())).size !== args.options.length) {
      return { key: 'polls.create.duplicateOption' };
    }
  }
  if (args.min !== undefined && !isValidThreshold(args.min)) {
    return { key: 'polls.create.badMin', params: { min: MIN_THRESHOLD, max: MAX_THRESHOLD } };
  }
  return undefined;
}

type Resolved = { ok: true; units: UnitRow[]; closesAt: Date } | { ok: false; message: string };

/** The units asked and the closing time, or what is wrong with them. */
async function resolvePoll(ctx: CommandContext, args: PollArgs): Promise<Resolved> {
  const { t } = ctx;
  if (args.problem) return { ok: false, message: t(args.problem.key, args.problem.params) };
  const units: UnitRow[] = [];
  if (args.units) {
    for (const code of new Set(args.units)) {
      const unit = await findUnitByCode(ctx.deps.db, code);
      if (!unit) return { ok: false, message: t('error.unknownUnit', { code }) };
      units.push(unit);
    }
  } else {
    const unit = ctx.chat?.unitId ? await findUnitById(ctx.deps.db, ctx.chat.unitId) : undefined;
    if (!unit) return { ok: false, message: t('polls.create.whichUnits') };
    units.push(unit);
  }
  const now = ctx.deps.clock.now();
  let closesAt = new Date(now.getTime() + DEFAULT_OPEN_MS);
  if (args.closes) {
    const duration = parseDuration(args.closes);
    const at =
      duration === undefined
        ? parseLocalDateTime(args.closes, ctx.deps.config.timezone)
        : new Date(now.getTime() + duration);
    if (!at) return { ok: false, message: t('polls.create.badCloses', { value: args.closes }) };
    if (at.getTime() - now.getTime() < 5 * 60_000 || at.getTime() - now.getTime() > MAX_OPEN_MS) {
      return { ok: false, message: t('polls.create.closesRange') };
    }
    closesAt = at;
  }
  return { ok: true, units, closesAt };
}

function pollCommand(name: 'pulse' | 'poll', kind: 'scale' | 'choice') {
  return defineCommand<PollArgs>({
    name,
    minRole: 'leader',
    where: 'any',
    audited: true,
    descriptionKey: name === 'pulse' ? 'cmd.pulse' : 'cmd.poll',
    usageKey: name === 'pulse' ? 'usage.pulse' : 'usage.poll',
    parse: (args) => parsePollArgs(args, kind),
    async scope(ctx, args) {
      const resolved = await resolvePoll(ctx, args);
      if (!resolved.ok) return resolved;
      const uncovered = resolved.units.find((unit) => !can(ctx.actor.roles, 'leader', unit));
      if (uncovered) return { ok: true, unit: uncovered };
      const { db, messenger } = ctx.deps;
      const reachable = args.dm
        ? (await personTargets(db, messenger, resolved.units)).length
        : (await groupTargets(db, messenger, resolved.units)).length;
      if (reachable === 0) {
        return { ok: false, message: ctx.t(args.dm ? 'polls.create.noPeople' : 'polls.create.noChats') };
      }
      return { ok: true, unit: resolved.units[0]! };
    },
    async run(ctx, args) {
      const resolved = await resolvePoll(ctx, args);
      if (!resolved.ok) return ctx.reply(resolved.message);
      const { deps } = ctx;
      const now = deps.clock.now();
      const locale = deps.config.locale;
      const options =
        args.kind === 'scale'
          ? [...SCALE_EMOJI]
          : args.kind === 'yesno'
            ? [translate(locale, 'polls.yes'), translate(locale, 'polls.no')]
            : args.options;
      const outcome = await deps.db.transaction((tx) =>
        createPoll(
          deps,
          tx,
          {
            question: args.question,
            kind: args.kind,
            options,
            audience: resolved.units,
            dm: args.dm,
            comments: args.comments,
            closesAt: resolved.closesAt,
            minAnswers: args.min ?? MIN_ANSWERS,
            minComments: Math.max(MIN_COMMENTS, args.min ?? 0),
            creatorPersonId: ctx.actor.person.id,
            locale: ctx.actor.locale,
          },
          now,
        ),
      );
      if (!outcome.ok) {
        return ctx.reply(
          ctx.t(outcome.reason === 'no_people' ? 'polls.create.noPeople' : 'polls.create.noChats'),
        );
      }
      const sent = await deliverPending(deps, { pollIds: [outcome.poll.id], limit: 50 });
      await ctx.reply(
        ctx.t(args.dm ? 'polls.create.doneDm' : 'polls.create.done', {
          id: outcome.poll.id,
          targets: outcome.targets,
          sent,
          time: formatDateTime(resolved.closesAt, deps.config.timezone),
          k: outcome.poll.minAnswers,
        }),
      );
    },
  });
}

/** /pulse QUESTION [--units …] [--dm] [--closes …] [--comments] [--min N]: a 1–5 pulse. */
export const pulseCommand = pollCommand('pulse', 'scale');
/** /poll QUESTION [| OPTION | OPTION …] [flags]: yes/no without options, single choice with 2–10. */
export const pollCommandDefinition = pollCommand('poll', 'choice');
