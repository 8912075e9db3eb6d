import { and, asc, eq, inArray, like, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { incidentEvents, incidents, units } from '../../../db/schema';
import type { HeldRole } from '../../kernel/roles';
import type { Deps } from '../../runtime/deps';
import { cancelPendingAlerts } from './escalation';

export type IncidentRow = typeof incidents.$inferSelect;
export type IncidentEventRow = typeof incidentEvents.$inferSelect;

export const MAX_NOTE_LENGTH = 500;

export async function findIncident(db: DbOrTx, id: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

export type TransitionResult =
  | { ok: true; incident: IncidentRow }
  | { ok: false; reason: 'unknown' | 'acknowledged' | 'resolved'; incident?: IncidentRow };

/**
 * open → acknowledged. Conditional on status = 'open', so it is decided once even when an
 * escalation step or another leader races it; what the step queued and has not sent is cancelled.
 * The caller answers the person first, then calls `refreshSentAlerts` so every alert shows it.
 */
export async function acknowledgeIncident(
  deps: Deps,
  id: number,
  personId: number,
): Promise<TransitionResult> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx): Promise<TransitionResult> => {
    const [updated] = await tx
      .update(incidents)
      .set({ status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: personId, nextStepAt: null })
      .where(and(eq(incidents.id, id), eq(incidents.status, 'open')))
      .returning();
    if (!updated) return refusal(tx, id);
    await tx.insert(incidentEvents).values({ incidentId: id, at: now, kind: 'acknowledged', personId });
    await cancelPendingAlerts(tx, id);
    return { ok: true, incident: updated };
  });
}

/**
 * open | acknowledged → resolved, with a note (then `refreshSentAlerts`). A later surge of the same
 * topic opens a new incident.
 */
export async function resolveIncident(
  deps: Deps,
  id: number,
  personId: number,
  note: string,
): Promise<TransitionResult> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx): Promise<TransitionResult> => {
    const [before] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
    if (!before) return { ok: false, reason: 'unknown' };
    if (before.status === 'resolved') return { ok: false, reason: 'resolved', incident: before };
    const [updated] = await tx
      .update(incidents)
      .set({
        status: 'resolved',
        resolvedAt: now,
        resolvedBy: personId,
        resolutionNote: note,
        nextStepAt: null,
        ...(before.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: personId }),
      })
      .where(and(eq(incidents.id, id), ne(incidents.status, 'resolved')))
      .returning();
    await tx.insert(incidentEvents).values({ incidentId: id, at: now, kind: 'resolved', personId });
    await cancelPendingAlerts(tx, id);
    return { ok: true, incident: updated! };
  });
}

async function refusal(db: DbOrTx, id: number): Promise<TransitionResult> {
  const incident = await findIncident(db, id);
  if (!incident) return { ok: false, reason: 'unknown' };
  return { ok: false, reason: incident.status === 'resolved' ? 'resolved' : 'acknowledged', incident };
}

/** Incidents not resolved in the subtrees the person leads (a leader role or above; organisation-wide roles see all). */
export async function openIncidentsFor(db: DbOrTx, held: readonly HeldRole[]) {
  const scopes = held.filter((r) => r.role === 'leader' || r.role === 'admin');
  if (scopes.length === 0) return [];
  const everywhere = scopes.some((r) => r.unitPath === null);
  const within = everywhere ? undefined : or(...scopes.map((r) => like(units.path, `${r.unitPath}%`)));
  return db
    .select({ incident: incidents, unit: units })
    .from(incidents)
    .innerJoin(units, eq(units.id, incidents.unitId))
    .where(and(inArray(incidents.status, ['open', 'acknowledged']), within))
    .orderBy(asc(incidents.openedAt));
}

export async function incidentTimeline(db: DbOrTx, id: number): Promise<IncidentEventRow[]> {
  return db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, id))
    .orderBy(asc(incidentEvents.id));
}
