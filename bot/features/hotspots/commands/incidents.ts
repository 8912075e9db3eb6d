import { can, unitsWithRole } from '../../../kernel/roles';
import { formatDateTime } from '../../../kernel/time';
import type { Translate } from '../../../messages';
import {
  type ButtonHandler,
  type CommandContext,
  defineCommand,
  type InteractionContext,
  type Scope,
} from '../../../runtime/types';
import { findUnitById, unitLabel } from '../../org';
import { personName, refreshSentAlerts, severityLabel } from '../alerts';
import { incidentButton, verdictButton } from '../buttons';
import {
  acknowledgeIncident,
  findIncident,
  type IncidentEventRow,
  type IncidentRow,
  incidentTimeline,
  MAX_NOTE_LENGTH,
  openIncidentsFor,
  resolveIncident,
  type TransitionResult,
} from '../incidents';
import { SEVERITIES } from '../lexicon';
import { recordVerdict } from '../verdicts';

const INCIDENT_ID = /^#?(\d{1,9})$/;

/** The role check of every incident command: leader (or above) of the incident's unit. */
async function incidentScope(ctx: CommandContext, id: number): Promise<Scope> {
  const incident = await findIncident(ctx.deps.db, id);
  const unit = incident ? await findUnitById(ctx.deps.db, incident.unitId) : undefined;
  return unit ? { ok: true, unit } : { ok: false, message: ctx.t('incident.unknown', { id }) };
}

const when = (ctx: InteractionContext, at: Date) => formatDateTime(at, ctx.deps.config.timezone);

/** /hotspots: incidents not yet resolved in the units the caller leads (or administers). */
export const hotspotsCommand = defineCommand<Record<string, never>>({
  name: 'hotspots',
  minRole: 'leader',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.hotspots',
  usageKey: 'usage.hotspots',
  parse: (args) => (args === '' ? {} : null),
  async run(ctx) {
    const rows = await openIncidentsFor(ctx.deps.db, ctx.actor.roles);
    if (rows.length === 0) {
      await ctx.reply(ctx.t('hotspots.none'));
      return;
    }
    const rank = (incident: IncidentRow) => SEVERITIES.indexOf(incident.severity);
    rows.sort((a, b) => rank(b.incident) - rank(a.incident));
    const lines = rows.map(({ incident, unit }) =>
      ctx.t('hotspots.line', {
        id: incident.id,
        topic: incident.topicName,
        unit: unitLabel(unit),
        count: incident.hitCount,
        status: ctx.t(`incident.status.${incident.status}`),
        opened: when(ctx, incident.openedAt),
      }),
    );
    await ctx.reply([ctx.t('hotspots.title'), ...lines].join('\n'));
  },
});

/** /incident ID: the timeline. */
export const incidentCommand = defineCommand<{ id: number }>({
  name: 'incident',
  minRole: 'leader',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.incident',
  usageKey: 'usage.incident',
  parse: (args) => {
    const match = INCIDENT_ID.exec(args);
    return match ? { id: Number(match[1]) } : null;
  },
  scope: (ctx, { id }) => incidentScope(ctx, id),
  async run(ctx, { id }) {
    const incident = (await findIncident(ctx.deps.db, id))!;
    const unit = await findUnitById(ctx.deps.db, incident.unitId);
    const events = await incidentTimeline(ctx.deps.db, id);
    const lines = [
      ctx.t('incident.title', {
        id,
        topic: incident.topicName,
        unit: unit ? unitLabel(unit) : `#${incident.unitId}`,
        status: ctx.t(`incident.status.${incident.status}`),
        severity: severityLabel(ctx.t, incident.severity),
        count: incident.hitCount,
      }),
    ];
    for (const event of events) lines.push(await describeEvent(ctx, incident, event));
    await ctx.reply(lines.join('\n'));
  },
});

async function describeEvent(ctx: InteractionContext, incident: IncidentRow, event: IncidentEventRow) {
  const { t } = ctx;
  const at = when(ctx, event.at);
  switch (event.kind) {
    case 'opened':
    case 'hits':
      return t(`incident.event.${event.kind}`, { at, count: event.count ?? 0 });
    case 'step':
      return t('incident.event.step', {
        at,
        step: (event.stepIndex ?? 0) + 1,
        target: describeTarget(t, event.target ?? ''),
        count: event.count ?? 0,
      });
    case 'acknowledged':
      return t('incident.event.acknowledged', {
        at,
        person: await personName(ctx.deps.db, event.personId, t),
      });
    case 'resolved':
      return t('incident.event.resolved', {
        at,
        person: await personName(ctx.deps.db, event.personId, t),
        note: incident.resolutionNote ?? '',
      });
    case 'exhausted':
      return t('incident.event.exhausted', { at });
  }
}

function describeTarget(t: Translate, target: string): string {
  const [kind, unit = ''] = target.split(':');
  if (kind === 'unit' || kind === 'parent') return t(`incident.target.${kind}`, { unit });
  return t('incident.target.admins');
}

async function replyToAck(ctx: InteractionContext, id: number, result: TransitionResult): Promise<string> {
  if (result.ok) return ctx.t('hotspot.ack.done', { id });
  if (result.reason === 'unknown') return ctx.t('incident.unknown', { id });
  if (result.reason === 'resolved') return ctx.t('hotspot.ack.closed', { id });
  const incident = result.incident!;
  return ctx.t('hotspot.ack.already', {
    id,
    person: await personName(ctx.deps.db, incident.acknowledgedBy, ctx.t),
    at: when(ctx, incident.acknowledgedAt ?? incident.openedAt),
  });
}

/** /ack ID */
export const ackCommand = defineCommand<{ id: number }>({
  name: 'ack',
  minRole: 'leader',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.ack',
  usageKey: 'usage.ack',
  parse: (args) => {
    const match = INCIDENT_ID.exec(args);
    return match ? { id: Number(match[1]) } : null;
  },
  scope: (ctx, { id }) => incidentScope(ctx, id),
  async run(ctx, { id }) {
    const result = await acknowledgeIncident(ctx.deps, id, ctx.actor.person.id);
    await ctx.reply(await replyToAck(ctx, id, result));
    if (result.ok) await refreshSentAlerts(ctx.deps, id);
  },
});

/** /resolve ID NOTE */
export const resolveCommand = defineCommand<{ id: number; note: string }>({
  name: 'resolve',
  minRole: 'leader',
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.resolve',
  usageKey: 'usage.resolve',
  parse: (args) => {
    const match = /^#?(\d{1,9})\s+([\s\S]+)$/.exec(args);
    const note = match?.[2]?.trim() ?? '';
    if (!match || note.length < 2 || note.length > MAX_NOTE_LENGTH) return null;
    return { id: Number(match[1]), note };
  },
  scope: (ctx, { id }) => incidentScope(ctx, id),
  async run(ctx, { id, note }) {
    const result = await resolveIncident(ctx.deps, id, ctx.actor.person.id, note);
    if (result.ok) {
      await ctx.reply(ctx.t('hotspot.resolve.done', { id }));
      await refreshSentAlerts(ctx.deps, id);
    } else if (result.reason === 'unknown') await ctx.reply(ctx.t('incident.unknown', { id }));
    else await ctx.reply(ctx.t('hotspot.resolve.already', { id }));
  },
});

/** The alert's buttons: acknowledge, or an explanation of /resolve (a note is required). */
export const incidentButtons: ButtonHandler = {
  prefix: incidentButton.prefix,
  async handle(ctx, payload) {
    const press = incidentButton.read(payload);
    const incident = press ? await findIncident(ctx.deps.db, press.incidentId) : undefined;
    const unit = incident ? await findUnitById(ctx.deps.db, incident.unitId) : undefined;
    if (!press || !incident || !unit) {
      await ctx.answer(ctx.t('error.staleButton'), { alert: true });
      return;
    }
    if (!can(ctx.actor.roles, 'leader', unit)) {
      const units = unitsWithRole(ctx.actor.roles, 'leader');
      await ctx.answer(
        units.length > 0
          ? ctx.t('incident.forbiddenUnits', { id: incident.id, units: units.join(', ') })
          : ctx.t('incident.forbidden', { id: incident.id }),
        { alert: true },
      );
      return;
    }
    if (press.action === 'resolve') {
      const text =
        incident.status === 'resolved'
          ? ctx.t('hotspot.resolve.already', { id: incident.id })
          : ctx.t('hotspot.resolve.askNote', { id: incident.id });
      await ctx.answer(text, { alert: true });
      return;
    }
    const result = await acknowledgeIncident(ctx.deps, incident.id, ctx.actor.person.id);
    await ctx.answer(await replyToAck(ctx, incident.id, result), { alert: !result.ok });
    if (result.ok) await refreshSentAlerts(ctx.deps, incident.id);
  },
};

/** "Đúng là điểm nóng" / "Báo nhầm": one verdict per leader per incident, changeable; every sent alert shows the counts. */
export const verdictButtons: ButtonHandler = {
  prefix: verdictButton.prefix,
  async handle(ctx, payload) {
    const press = verdictButton.read(payload);
    const incident = press ? await findIncident(ctx.deps.db, press.incidentId) : undefined;
    const unit = incident ? await findUnitById(ctx.deps.db, incident.unitId) : undefined;
    if (!press || !incident || !unit) {
      await ctx.answer(ctx.t('error.staleButton'), { alert: true });
      return;
    }
    if (!can(ctx.actor.roles, 'leader', unit)) {
      await ctx.answer(ctx.t('incident.forbidden', { id: incident.id }), { alert: true });
      return;
    }
    const result = await recordVerdict(ctx.deps.db, {
      incidentId: incident.id,
      personId: ctx.actor.person.id,
      verdict: press.verdict,
      at: ctx.deps.clock.now(),
    });
    if (!result.ok) {
      await ctx.answer(ctx.t('error.staleButton'), { alert: true });
      return;
    }
    if (result.previous === press.verdict) {
      await ctx.answer(ctx.t('hotspot.verdict.same', { id: incident.id }));
      return;
    }
    await ctx.answer(ctx.t(`hotspot.verdict.${press.verdict}`, { id: incident.id }));
    await refreshSentAlerts(ctx.deps, incident.id);
  },
};
