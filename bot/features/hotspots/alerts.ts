import { and, eq, gte, inArray, isNotNull, sum } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, hotspotHits, incidentAlerts, incidents, people } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import { localeOr } from '../../kernel/i18n';
import { formatDateTime } from '../../kernel/time';
import type { Button, OutgoingMessage } from '../../kernel/types';
import { type Translate, translator } from '../../messages';
import type { Deps } from '../../runtime/deps';
import type { OutboxInput } from '../../runtime/outbox/store';
import { dmAccounts, findUnitById, unitLabel } from '../org';
import { incidentButton, verdictButton } from './buttons';
import type { EscalationPolicy, Severity, SurgeRule } from './lexicon';
import { lexiconOf } from './live';
import { maskExcerpt } from './mask';
import { verdictCounts } from './verdicts';

type IncidentRow = typeof incidents.$inferSelect;
type AlertRow = typeof incidentAlerts.$inferSelect;

export function severityLabel(t: Translate, severity: Severity): string {
  return t(`hotspot.severity.${severity}`);
}

export function ruleLabel(t: Translate, severity: Severity, surge: SurgeRule): string {
  if (severity === 'critical') return t('hotspot.rule.critical');
  const rule = t('hotspot.rule.surge', { hits: surge.hits, window: surge.windowMinutes });
  return surge.baseline
    ? `${rule} ${t('hotspot.rule.baseline', { factor: surge.baseline.factor, days: surge.baseline.days })}`
    : rule;
}

export async function personName(db: DbOrTx, personId: number | null, t: Translate): Promise<string> {
  if (personId === null) return t('hotspot.someone');
  const [row] = await db.select({ name: people.displayName }).from(people).where(eq(people.id, personId));
  return row?.name ?? t('hotspot.someone');
}

/** Where the incident's hits came from: chat titles and anonymous sources with counts; never authors. */
async function sourcesOf(db: DbOrTx, incident: IncidentRow, t: Translate): Promise<string> {
  const since = new Date(incident.openedAt.getTime() - incident.windowMinutes * 60_000);
  const rows = await db
    .select({ chatId: hotspotHits.chatId, source: hotspotHits.source, count: sum(hotspotHits.count) })
    .from(hotspotHits)
    .where(
      and(
        eq(hotspotHits.unitId, incident.unitId),
        eq(hotspotHits.topicId, incident.topicId),
        gte(hotspotHits.bucket, since),
      ),
    )
    .groupBy(hotspotHits.chatId, hotspotHits.source);
  const chatIds = rows.flatMap((r) => (r.chatId === null ? [] : [r.chatId]));
  const titles = new Map(
    chatIds.length === 0
      ? []
      : (
          await db
            .select({ id: chats.id, title: chats.title, externalId: chats.externalId })
            .from(chats)
            .where(inArray(chats.id, chatIds))
        ).map((c) => [c.id, c.title ?? c.externalId]),
  );
  return rows
    .map((r) => {
      const label =
        r.chatId === null
          ? t(
              `hotspot.source.${r.source as 'feedback' | 'poll_comment' | 'survey_text' | 'situation_report'}`,
            )
          : `“${titles.get(r.chatId) ?? `#${r.chatId}`}”`;
      return `${label} (${Number(r.count)})`;
    })
    .join(', ');
}

export interface AlertView {
  incident: IncidentRow;
  stepIndex: number;
  excerpt?: string;
}

/** The alert a leader receives: topic, unit, where, count and rule, severity, playbook; never an author. */
export async function renderAlert(deps: Deps, view: AlertView, locale: Locale): Promise<OutgoingMessage> {
  const { incident } = view;
  const t = translator(locale);
  const { db, config } = deps;
  const unit = await findUnitById(db, incident.unitId);
  const topic = lexiconOf(deps).topic(incident.topicId);
  const surge = topic?.surge ?? { hits: incident.hitCount, windowMinutes: incident.windowMinutes };
  const policy = incident.escalation as EscalationPolicy;
  const lines = [
    t('hotspot.alert.title', { id: incident.id, topic: incident.topicName }),
    t('hotspot.alert.severity', { severity: severityLabel(t, incident.severity) }),
    t('hotspot.alert.unit', { unit: unit ? unitLabel(unit) : `#${incident.unitId}` }),
  ];
  const where = await sourcesOf(db, incident, t);
  if (where) lines.push(t('hotspot.alert.where', { where }));
  lines.push(
    t('hotspot.alert.count', {
      count: incident.hitCount,
      rule: ruleLabel(t, incident.severity, surge),
      opened: formatDateTime(incident.openedAt, config.timezone),
    }),
  );
  if (view.stepIndex > 0) {
    const minutes = Array.from({ length: view.stepIndex }, (_, i) => policy.steps[i % policy.steps.length]!)
      .map((step) => step.escalateAfterMinutes)
      .reduce((a, b) => a + b, 0);
    lines.push(t('hotspot.alert.escalated', { minutes }));
  }
  if (topic?.playbook) lines.push('', t('hotspot.alert.playbook', { playbook: topic.playbook }));
  if (view.excerpt) {
    const excerpt = maskExcerpt(view.excerpt, {
      mention: t('hotspot.mask.mention'),
      phone: t('hotspot.mask.phone'),
      link: t('hotspot.mask.link'),
    });
    lines.push('', t('hotspot.alert.excerpt', { excerpt }));
  }
  lines.push('', t('hotspot.alert.privacy'));
  if (incident.acknowledgedAt) {
    lines.push(
      t('hotspot.alert.acknowledged', {
        person: await personName(db, incident.acknowledgedBy, t),
        at: formatDateTime(incident.acknowledgedAt, config.timezone),
      }),
    );
  }
  if (incident.resolvedAt) {
    lines.push(
      t('hotspot.alert.resolved', {
        person: await personName(db, incident.resolvedBy, t),
        at: formatDateTime(incident.resolvedAt, config.timezone),
        note: incident.resolutionNote ?? '',
      }),
    );
  }
  const verdicts = await verdictCounts(db, incident.id);
  if (verdicts.hot + verdicts.falseAlarm > 0) lines.push(t('hotspot.alert.verdicts', verdicts));
  const buttons: Button[] = [];
  if (incident.status === 'open')
    buttons.push({
      label: t('hotspot.button.ack'),
      data: incidentButton.data({ action: 'ack', incidentId: incident.id }),
    });
  if (incident.status !== 'resolved')
    buttons.push({
      label: t('hotspot.button.resolve'),
      data: incidentButton.data({ action: 'resolve', incidentId: incident.id }),
    });
  // Leaders teach the lexicon: a verdict per leader, changeable, also once the incident is resolved.
  const teach: Button[] = [
    { label: t('hotspot.button.hot'), data: verdictButton.data({ verdict: 'hot', incidentId: incident.id }) },
    {
      label: t('hotspot.button.falseAlarm'),
      data: verdictButton.data({ verdict: 'false_alarm', incidentId: incident.id }),
    },
  ];
  return { text: lines.join('\n'), buttons: buttons.length > 0 ? [buttons, teach] : [teach] };
}

/** The person's richest account on a running platform (buttons first) and their language. */
async function recipientOf(deps: Deps, personId: number) {
  const [person] = await deps.db
    .select({ locale: people.locale })
    .from(people)
    .where(eq(people.id, personId));
  const [account] = await dmAccounts(deps.db, deps.messenger, personId);
  const locale: Locale = localeOr(person?.locale, deps.config.locale);
  return account ? { platform: account.platform, externalId: account.externalId, locale } : null;
}

/** The outbox key of an alert: `hotspot_alert:<incident>:<alert>` (cancelled by incident prefix). */
export const alertKey = (incidentId: number, alertId: number) => `hotspot_alert:${incidentId}:${alertId}`;

/**
 * One alert as an outbox row (a DM to the person's account), and, with an excerpt, the richer
 * version that exists only in this process's memory (the excerpt is never stored); null when the
 * person has no account on a running platform.
 */
export async function alertForOutbox(
  deps: Deps,
  incident: IncidentRow,
  alert: AlertRow,
  excerpt: string | undefined,
): Promise<{ input: OutboxInput; withExcerpt?: OutgoingMessage } | null> {
  const to = await recipientOf(deps, alert.personId);
  if (!to) return null;
  const message = await renderAlert(deps, { incident, stepIndex: alert.stepIndex }, to.locale);
  const withExcerpt = excerpt
    ? await renderAlert(deps, { incident, stepIndex: alert.stepIndex, excerpt }, to.locale)
    : undefined;
  return {
    input: {
      key: alertKey(incident.id, alert.id),
      kind: 'hotspot_alert',
      to: { user: { platform: to.platform, externalId: to.externalId } },
      message,
      notBefore: deps.clock.now(),
    },
    withExcerpt,
  };
}

/** After an acknowledgement or resolution, every alert already sent shows the new state (and loses its stale buttons). */
export async function refreshSentAlerts(deps: Deps, incidentId: number): Promise<void> {
  const [incident] = await deps.db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) return;
  const sent = await deps.db
    .select()
    .from(incidentAlerts)
    .where(
      and(
        eq(incidentAlerts.incidentId, incidentId),
        eq(incidentAlerts.status, 'sent'),
        isNotNull(incidentAlerts.messageId),
      ),
    );
  for (const alert of sent) {
    const platform = alert.platform;
    if (!platform || !deps.messenger.has(platform) || !deps.messenger.capabilities(platform).edit) continue;
    const to = await recipientOf(deps, alert.personId);
    const message = await renderAlert(
      deps,
      { incident, stepIndex: alert.stepIndex },
      to?.locale ?? deps.config.locale,
    );
    try {
      await deps.messenger.edit(
        {
          chat: { platform, externalId: alert.chatExternalId!, kind: 'dm' },
          messageId: alert.messageId!,
        },
        message,
      );
    } catch (error) {
      deps.logger.warn({ err: error, alert: alert.id }, 'hot-spot alert not updated');
    }
  }
}
