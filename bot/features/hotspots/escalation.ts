import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { incidentAlerts, incidentEvents, incidents, roles } from '../../../db/schema';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox, holdVolatile } from '../../runtime/outbox/deliver';
import { cancelQueued, enqueue, outboxRows, sentRefOf } from '../../runtime/outbox/store';
import { findUnitById, type UnitRow, unitChain } from '../org';
import { alertForOutbox, alertKey } from './alerts';
import { type EscalationPolicy, type NotifyTarget, stepCount } from './lexicon';

const MINUTE = 60_000;
/** An alert claimed this long ago and still not sent was lost with its process: send it again. */
const SENDING_LEASE_MS = 5 * MINUTE;
const BATCH = 100;

type IncidentRow = typeof incidents.$inferSelect;

/** The escalation job: runs every due step, then sends every pending alert. */
export async function sendDueEscalations(
  deps: Deps,
  now: Date,
  options: { excerpts?: ReadonlyMap<number, string> } = {},
): Promise<void> {
  let claimed = BATCH;
  while (claimed === BATCH) claimed = await runDueSteps(deps, now);
  await sendPendingAlerts(deps, now, options.excerpts ?? new Map());
}

/**
 * Claims due incidents with `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`
 * (so N processes never run one step twice) and, in the same transaction, writes the step's
 * alert rows and its timeline event. The claim is conditional on status = 'open': an
 * acknowledgement that commits first wins, and one that comes later cancels the alerts not yet sent.
 */
async function runDueSteps(deps: Deps, now: Date): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const claimed = await tx
      .update(incidents)
      .set({ nextStepIndex: sql`${incidents.nextStepIndex} + 1`, nextStepAt: null })
      .where(
        and(
          eq(incidents.status, 'open'),
          inArray(
            incidents.id,
            tx
              .select({ id: incidents.id })
              .from(incidents)
              .where(and(eq(incidents.status, 'open'), lt(incidents.nextStepAt, new Date(now.getTime() + 1))))
              .orderBy(incidents.nextStepAt)
              .limit(BATCH)
              .for('update', { skipLocked: true }),
          ),
        ),
      )
      .returning();
    for (const incident of claimed) await runStep(tx, incident, incident.nextStepIndex - 1, now);
    return claimed.length;
  });
}

async function runStep(tx: Tx, incident: IncidentRow, index: number, now: Date): Promise<void> {
  const policy = incident.escalation as EscalationPolicy;
  if (index >= stepCount(policy)) {
    await tx.insert(incidentEvents).values({ incidentId: incident.id, at: now, kind: 'exhausted' });
    return;
  }
  const step = policy.steps[index % policy.steps.length]!;
  const unit = await findUnitById(tx, incident.unitId);
  const recipients = unit ? await recipientsFor(tx, unit, step.notify) : { personIds: [], unitCode: null };
  if (recipients.personIds.length > 0) {
    await tx
      .insert(incidentAlerts)
      .values(
        recipients.personIds.map((personId) => ({
          incidentId: incident.id,
          stepIndex: index,
          personId,
          status: 'pending' as const,
        })),
      )
      .onConflictDoNothing();
  }
  await tx.insert(incidentEvents).values({
    incidentId: incident.id,
    at: now,
    kind: 'step',
    stepIndex: index,
    target: recipients.unitCode ? `${step.notify}:${recipients.unitCode}` : step.notify,
    count: recipients.personIds.length,
  });
  await tx
    .update(incidents)
    .set({ nextStepAt: new Date(now.getTime() + step.escalateAfterMinutes * MINUTE) })
    .where(and(eq(incidents.id, incident.id), eq(incidents.status, 'open')));
}

/**
 * Who a step notifies. `unit`: the leaders of exactly the incident's unit; `parent`: of its
 * parent. When that unit has no leader, the nearest ancestor that has one is used, so an alert
 * never goes nowhere. `admins`: every admin whose role covers the unit (organisation-wide included).
 */
export async function recipientsFor(
  db: DbOrTx,
  unit: UnitRow,
  target: NotifyTarget,
): Promise<{ personIds: number[]; unitCode: string | null }> {
  const chain = await unitChain(db, unit);
  if (target === 'admins') {
    const rows = await db
      .selectDistinct({ personId: roles.personId })
      .from(roles)
      .where(
        and(
          eq(roles.role, 'admin'),
          or(
            isNull(roles.unitId),
            inArray(
              roles.unitId,
              chain.map((u) => u.id),
            ),
          ),
        ),
      );
    return { personIds: rows.map((r) => r.personId).sort((a, b) => a - b), unitCode: null };
  }
  const start = target === 'unit' ? chain.length - 1 : chain.length - 2;
  for (let i = start; i >= 0; i--) {
    const candidate = chain[i]!;
    const rows = await db
      .selectDistinct({ personId: roles.personId })
      .from(roles)
      .where(and(eq(roles.role, 'leader'), eq(roles.unitId, candidate.id)));
    if (rows.length > 0) {
      return { personIds: rows.map((r) => r.personId).sort((a, b) => a - b), unitCode: candidate.code };
    }
  }
  return recipientsFor(db, unit, 'admins');
}

/**
 * Queues claimed alerts in the outbox (an alert whose incident is no longer open is cancelled
 * instead), sends them one after the other (an acknowledgement meanwhile cancels the rest), and
 * copies what the outbox did back onto the alert rows (where each went, for later edits).
 */
async function sendPendingAlerts(
  deps: Deps,
  now: Date,
  excerpts: ReadonlyMap<number, string>,
): Promise<void> {
  for (;;) {
    const claimed = await deps.db
      .update(incidentAlerts)
      .set({ status: 'sending', claimedAt: now })
      .where(
        inArray(
          incidentAlerts.id,
          deps.db
            .select({ id: incidentAlerts.id })
            .from(incidentAlerts)
            .where(
              or(
                eq(incidentAlerts.status, 'pending'),
                and(
                  eq(incidentAlerts.status, 'sending'),
                  lt(incidentAlerts.claimedAt, new Date(now.getTime() - SENDING_LEASE_MS)),
                ),
              ),
            )
            .orderBy(incidentAlerts.id)
            .limit(BATCH)
            .for('update', { skipLocked: true }),
        ),
      )
      .returning();
    for (const alert of claimed) await queueAlert(deps, alert, excerpts);
    if (claimed.length < BATCH) break;
  }
  await deliverOutbox(deps, { kinds: ['hotspot_alert'], concurrency: 1 });
  await settleQueuedAlerts(deps);
}

async function queueAlert(
  deps: Deps,
  alert: typeof incidentAlerts.$inferSelect,
  excerpts: ReadonlyMap<number, string>,
): Promise<void> {
  const [incident] = await deps.db.select().from(incidents).where(eq(incidents.id, alert.incidentId));
  if (incident?.status !== 'open') {
    await deps.db.update(incidentAlerts).set({ status: 'cancelled' }).where(eq(incidentAlerts.id, alert.id));
    return;
  }
  try {
    const queued = await alertForOutbox(deps, incident, alert, excerpts.get(incident.id));
    if (!queued) {
      await deps.db.update(incidentAlerts).set({ status: 'failed' }).where(eq(incidentAlerts.id, alert.id));
      return;
    }
    if (queued.withExcerpt) holdVolatile(deps, queued.input.key, queued.withExcerpt);
    await deps.db.transaction(async (tx) => {
      await enqueue(tx, [queued.input]);
      await tx.update(incidentAlerts).set({ status: 'queued' }).where(eq(incidentAlerts.id, alert.id));
    });
  } catch (error) {
    // Left `sending`: claimed again after its lease (the outbox key keeps it to one message).
    deps.logger.warn({ err: error, alert: alert.id }, 'hot-spot alert not queued');
  }
}

/** Alerts handed to the outbox take its outcome once it has one: sent (and where), failed, cancelled. */
async function settleQueuedAlerts(deps: Deps): Promise<void> {
  const queued = await deps.db.select().from(incidentAlerts).where(eq(incidentAlerts.status, 'queued'));
  if (queued.length === 0) return;
  const rows = new Map(
    (
      await outboxRows(
        deps.db,
        queued.map((a) => alertKey(a.incidentId, a.id)),
      )
    ).map((row) => [row.key, row]),
  );
  for (const alert of queued) {
    const row = rows.get(alertKey(alert.incidentId, alert.id));
    if (!row || row.status === 'pending' || row.status === 'sending') continue;
    const ref = sentRefOf(row);
    await deps.db
      .update(incidentAlerts)
      .set(
        ref
          ? {
              status: 'sent',
              sentAt: deps.clock.now(),
              platform: ref.chat.platform,
              chatExternalId: ref.chat.externalId,
              messageId: ref.messageId,
            }
          : { status: row.status },
      )
      .where(and(eq(incidentAlerts.id, alert.id), eq(incidentAlerts.status, 'queued')));
  }
}

/** Stops what is still queued for an incident (acknowledged or resolved). */
export async function cancelPendingAlerts(db: DbOrTx, incidentId: number): Promise<void> {
  await db
    .update(incidentAlerts)
    .set({ status: 'cancelled' })
    .where(and(eq(incidentAlerts.incidentId, incidentId), eq(incidentAlerts.status, 'pending')));
  await cancelQueued(db, `hotspot_alert:${incidentId}:`);
}
