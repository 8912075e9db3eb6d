import { can } from '../../kernel/roles';
import { formatDateTime } from '../../kernel/time';
import {
  type ButtonHandler,
  type CommandContext,
  defineCommand,
  type InteractionContext,
  type Scope,
} from '../../runtime/types';
import { findUnitByCode, findUnitById, type UnitRow } from '../org';
import {
  ACTION_PREFIX,
  type ActionRow,
  FOLLOW_UP_AFTER_MS,
  findAction,
  listActionsText,
  MAX_ACTION_LENGTH,
  markActionDone,
  recordAction,
} from './actions';

type ActionArgs =
  | { action: 'record'; code: string; topic: string; text: string }
  | { action: 'done'; id: number }
  | { action: 'list'; code?: string };

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const TOPIC = /^[\p{L}\p{N}][\p{L}\p{N}_-]{0,31}$/u;

export function parseActionArgs(args: string): ActionArgs | null {
  const match = /^(\S+)(?:\s+(\S+))?(?:\s+([\s\S]+))?$/.exec(args.trim());
  if (!match) return null;
  const [, head = '', second, rest] = match;
  const lower = head.toLowerCase();
  if (lower === 'done' || lower === 'xong') {
    const id = /^#?([1-9]\d{0,8})$/.exec(second ?? '');
    return id && rest === undefined ? { action: 'done', id: Number(id[1]) } : null;
  }
  if (lower === 'list') {
    if (rest !== undefined || (second !== undefined && !CODE.test(second))) return null;
    return { action: 'list', code: second };
  }
  if (!CODE.test(head) || second === undefined || !TOPIC.test(second) || rest === undefined) return null;
  return { action: 'record', code: head, topic: second, text: rest.trim() };
}

async function withUnit(db: CommandContext['deps']['db'], id: number) {
  const action = await findAction(db, id);
  const unit = action ? await findUnitById(db, action.unitId) : undefined;
  return action && unit ? { action, unit } : undefined;
}

async function finish(ctx: InteractionContext, action: ActionRow, unit: UnitRow): Promise<string> {
  const { deps, t } = ctx;
  const now = deps.clock.now();
  const outcome = await markActionDone(deps, { action, unit, personId: ctx.actor.person.id, now });
  const time = (at: Date) => formatDateTime(at, deps.config.timezone);
  if (!outcome.ok)
    return t('actions.alreadyDone', { id: action.id, time: time(outcome.action.doneAt ?? now) });
  return t('actions.done', {
    id: action.id,
    groups: outcome.groups,
    topic: action.topic,
    time: time(new Date(now.getTime() + FOLLOW_UP_AFTER_MS)),
  });
}

/** /hanhdong (alias /action): record an action for a unit and topic, mark it done, list them. */
export const actionCommand = defineCommand<ActionArgs>({
  name: 'hanhdong',
  aliases: ['action'],
  minRole: 'leader',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.action',
  usageKey: 'usage.action',
  parse: parseActionArgs,
  async scope(ctx, args): Promise<Scope> {
    if (args.action === 'done') {
      const found = await withUnit(ctx.deps.db, args.id);
      return found
        ? { ok: true, unit: found.unit }
        : { ok: false, message: ctx.t('actions.unknown', { id: args.id }) };
    }
    if (args.action === 'list' && args.code === undefined) return { ok: true, unit: null };
    const unit = await findUnitByCode(ctx.deps.db, args.code!);
    return unit
      ? { ok: true, unit }
      : { ok: false, message: ctx.t('actions.unknownUnit', { code: args.code!.toUpperCase() }) };
  },
  async run(ctx, args) {
    const { deps, t } = ctx;
    if (args.action === 'list') {
      const unit = args.code ? await findUnitByCode(deps.db, args.code) : undefined;
      return ctx.reply(
        await listActionsText(deps, { held: ctx.actor.roles, unit, locale: ctx.actor.locale }),
      );
    }
    if (args.action === 'done') {
      const found = (await withUnit(deps.db, args.id))!;
      return ctx.reply(await finish(ctx, found.action, found.unit));
    }
    if (args.text.length > MAX_ACTION_LENGTH)
      return ctx.reply(t('actions.tooLong', { max: MAX_ACTION_LENGTH }));
    const unit = (await findUnitByCode(deps.db, args.code))!;
    const action = await recordAction(deps.db, {
      unit,
      topic: args.topic,
      text: args.text,
      personId: ctx.actor.person.id,
      now: deps.clock.now(),
    });
    await ctx.reply({
      text: t('actions.recorded', { id: action.id, unit: unit.name, topic: action.topic }),
      buttons: [[{ label: t('actions.doneButton'), data: `${ACTION_PREFIX}:${action.id}` }]],
    });
  },
});

/** "Done" under a recorded action: only a leader (or admin) of the action's unit. */
export const actionDoneButton: ButtonHandler = {
  prefix: ACTION_PREFIX,
  async handle(ctx, payload) {
    const id = /^[1-9]\d{0,8}$/.test(payload) ? Number(payload) : undefined;
    const found = id === undefined ? undefined : await withUnit(ctx.deps.db, id);
    if (!found) return ctx.answer(ctx.t('error.staleButton'), { alert: true });
    if (!can(ctx.actor.roles, 'leader', found.unit)) {
      return ctx.answer(ctx.t('error.forbidden', { command: 'hanhdong', role: ctx.t('role.leader') }), {
        alert: true,
      });
    }
    const text = await finish(ctx, found.action, found.unit);
    await ctx.answer(text.length > 190 ? `${text.slice(0, 189)}…` : text, { alert: true });
  },
};
