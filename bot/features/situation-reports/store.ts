import { and, asc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  people,
  reportRequests,
  reportRequestUnits,
  reportSubmissions,
  roles,
  units,
} from '../../../db/schema';
import type { UnitRow } from '../org';
import type { Section } from './templates';

export type RequestRow = typeof reportRequests.$inferSelect;
export type SubmissionRow = typeof reportSubmissions.$inferSelect;

/**
 * The cells a request goes to: the units without children in the subtrees of `roots` (a cell
 * reports; a committee above it compiles), each once, by code.
 */
export async function targetUnits(db: DbOrTx, roots: readonly Pick<UnitRow, 'path'>[]): Promise<UnitRow[]> {
  if (roots.length === 0) return [];
  const child = sql`exists (select 1 from ${units} c where c.parent_id = ${units.id})`;
  const rows = await db
    .select()
    .from(units)
    .where(and(or(...roots.map((r) => like(units.path, `${r.path}%`))), sql`not ${child}`))
    .orderBy(asc(units.code));
  return rows;
}

/** The deepest unit whose subtree holds every unit given (the request's scope). */
export async function commonScope(db: DbOrTx, list: readonly UnitRow[]): Promise<UnitRow> {
  const paths = list.map((u) => u.path.split('/').filter(Boolean));
  const first = paths[0]!;
  let depth = 0;
  while (depth < first.length && paths.every((p) => p[depth] === first[depth])) depth++;
  const id = Number(first[Math.max(0, depth - 1)]);
  const [row] = await db.select().from(units).where(eq(units.id, id));
  return row ?? list[0]!;
}

export async function openRequest(
  db: DbOrTx,
  values: {
    scheduleId?: number;
    occurrenceAt?: Date;
    title: string;
    scope: UnitRow;
    targets: readonly UnitRow[];
    template: string;
    sections: readonly Section[];
    deadline: Date;
    createdBy?: number;
    now: Date;
  },
): Promise<RequestRow | undefined> {
  const [request] = await db
    .insert(reportRequests)
    .values({
      scheduleId: values.scheduleId ?? null,
      occurrenceAt: values.occurrenceAt ?? null,
      title: values.title,
      scopeUnitId: values.scope.id,
      template: values.template,
      sections: [...values.sections],
      deadline: values.deadline,
      createdBy: values.createdBy ?? null,
      createdAt: values.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!request) return undefined;
  if (values.targets.length > 0)
    await db
      .insert(reportRequestUnits)
      .values(values.targets.map((unit) => ({ requestId: request.id, unitId: unit.id })));
  return request;
}

export async function findRequest(db: DbOrTx, id: number): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(reportRequests).where(eq(reportRequests.id, id));
  return row;
}

export async function requestTargets(db: DbOrTx, requestId: number) {
  return db
    .select({ unit: units, followUpStep: reportRequestUnits.followUpStep })
    .from(reportRequestUnits)
    .innerJoin(units, eq(units.id, reportRequestUnits.unitId))
    .where(eq(reportRequestUnits.requestId, requestId))
    .orderBy(asc(units.code));
}

export async function isTarget(db: DbOrTx, requestId: number, unitId: number): Promise<boolean> {
  const [row] = await db
    .select({ one: reportRequestUnits.unitId })
    .from(reportRequestUnits)
    .where(and(eq(reportRequestUnits.requestId, requestId), eq(reportRequestUnits.unitId, unitId)));
  return row !== undefined;
}

/** Who reports for a unit: the people holding the collaborator or leader role on exactly that unit. */
export async function reportersOf(db: DbOrTx, unitIds: readonly number[]) {
  if (unitIds.length === 0) return [];
  return db
    .selectDistinct({ personId: roles.personId, unitId: roles.unitId, role: roles.role })
    .from(roles)
    .where(and(inArray(roles.role, ['collaborator', 'leader']), inArray(roles.unitId, [...unitIds])));
}

/** The leaders of a unit; when it has none, of the nearest ancestor that has (as hot-spot alerts do). */
export async function leadersOf(db: DbOrTx, unit: UnitRow): Promise<number[]> {
  for (let current: UnitRow | undefined = unit; current; ) {
    const rows = await db
      .select({ personId: roles.personId })
      .from(roles)
      .where(and(eq(roles.role, 'leader'), eq(roles.unitId, current.id)));
    if (rows.length > 0) return [...new Set(rows.map((r) => r.personId))];
    if (current.parentId === null) return [];
    [current] = await db.select().from(units).where(eq(units.id, current.parentId));
  }
  return [];
}

/** Admins whose role covers the unit (organisation-wide ones included). */
export async function adminsOver(db: DbOrTx, unit: UnitRow): Promise<number[]> {
  const rows = await db
    .select({ personId: roles.personId, path: units.path })
    .from(roles)
    .leftJoin(units, eq(units.id, roles.unitId))
    .where(
      and(eq(roles.role, 'admin'), or(isNull(roles.unitId), sql`${unit.path} like ${units.path} || '%'`)),
    );
  return [...new Set(rows.map((r) => r.personId))];
}

export async function submissionOf(db: DbOrTx, requestId: number, unitId: number) {
  const [row] = await db
    .select()
    .from(reportSubmissions)
    .where(and(eq(reportSubmissions.requestId, requestId), eq(reportSubmissions.unitId, unitId)));
  return row;
}

export async function submissionsOf(db: DbOrTx, requestId: number) {
  return db.select().from(reportSubmissions).where(eq(reportSubmissions.requestId, requestId));
}

/**
 * The draft the person is answering a section of, if any (the newest), touched since `since`: an
 * abandoned prompt does not swallow their messages for ever (the "Viết báo cáo" button resumes it).
 */
export async function editingDraftOf(db: DbOrTx, personId: number, since: Date) {
  const [row] = await db
    .select()
    .from(reportSubmissions)
    .where(
      and(
        eq(reportSubmissions.editorId, personId),
        eq(reportSubmissions.status, 'draft'),
        sql`${reportSubmissions.editingSection} is not null`,
        sql`${reportSubmissions.updatedAt} > ${since.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(sql`${reportSubmissions.updatedAt} desc`)
    .limit(1);
  return row;
}

export async function personNames(db: DbOrTx, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: people.id, name: people.displayName })
    .from(people)
    .where(inArray(people.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function rootUnits(db: DbOrTx): Promise<UnitRow[]> {
  return db.select().from(units).where(isNull(units.parentId)).orderBy(asc(units.code));
}

export interface Coverage {
  /** Per cell, its collaborators with the time of their last report (written or signed), or null. */
  cells: { unit: UnitRow; collaborators: { personId: number; name: string; last: Date | null }[] }[];
  without: UnitRow[];
  never: string[];
}

/** The collaborators' network over these cells: who, their last report, the cells without one. */
export async function coverageOf(db: DbOrTx, cells: readonly UnitRow[]): Promise<Coverage> {
  if (cells.length === 0) return { cells: [], without: [], never: [] };
  const collaborators = await db
    .select({ personId: roles.personId, unitId: roles.unitId })
    .from(roles)
    .where(
      and(
        eq(roles.role, 'collaborator'),
        inArray(
          roles.unitId,
          cells.map((c) => c.id),
        ),
      ),
    );
  const ids = [...new Set(collaborators.map((c) => c.personId))];
  const names = await personNames(db, ids);
  const last = new Map<number, Date>();
  if (ids.length > 0) {
    const rows = await db
      .select({
        author: reportSubmissions.authorId,
        signer: reportSubmissions.signedBy,
        at: reportSubmissions.submittedAt,
      })
      .from(reportSubmissions)
      .where(
        and(
          eq(reportSubmissions.status, 'submitted'),
          or(inArray(reportSubmissions.authorId, ids), inArray(reportSubmissions.signedBy, ids)),
        ),
      );
    for (const row of rows)
      for (const person of [row.author, row.signer])
        if (person !== null && row.at && (!last.has(person) || last.get(person)! < row.at))
          last.set(person, row.at);
  }
  const out: Coverage = { cells: [], without: [], never: [] };
  for (const unit of cells) {
    const here = collaborators
      .filter((c) => c.unitId === unit.id)
      .map((c) => ({
        personId: c.personId,
        name: names.get(c.personId) ?? `#${c.personId}`,
        last: last.get(c.personId) ?? null,
      }));
    if (here.length === 0) out.without.push(unit);
    else out.cells.push({ unit, collaborators: here });
    for (const c of here) if (!c.last) out.never.push(c.name);
  }
  return out;
}
