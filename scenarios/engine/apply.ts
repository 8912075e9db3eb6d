import { randomBytes } from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { applyDirectiveChange } from '../../bot/features/directives';
import { replaceLexicon } from '../../bot/features/hotspots';
import { applyPollSeriesChange } from '../../bot/features/polls';
import { applyReportScheduleChange } from '../../bot/features/reports';
import { applyRequestScheduleChange } from '../../bot/features/situation-reports';
import { applySurveyTemplateChange } from '../../bot/features/surveys';
import type { Db, Tx } from '../../db/client';
import { chats, identities, people, roles, units } from '../../db/schema';
import type { Scenario } from '../schema';
import type { ScenarioChange, ScenarioPlan } from './changes';
import { DEFAULT_TIMEZONE, planScenario } from './plan';

export interface ApplyOptions {
  /** Stamped on chats bound by this apply; schedules start from it. */
  now: Date;
  /** Zone of date-times written without an offset (config.timezone). Defaults to Asia/Ho_Chi_Minh. */
  timezone?: string;
  /** Called with the plan inside the transaction; false writes nothing (the plan is returned as is). */
  proceed?: (plan: ScenarioPlan) => boolean;
}

/**
 * Plans and applies a scenario in one transaction and returns what it changed; applying the
 * same file again changes nothing. Concurrent applies are serialised by an advisory lock. A plan
 * with problems is returned without writing anything.
 */
export async function applyScenario(
  db: Db,
  scenario: Scenario,
  options: ApplyOptions,
): Promise<ScenarioPlan> {
  return db.transaction(async (tx) => {
    // Arbitrary constant shared by every Pulse process (migrations use 7461001).
    await tx.execute(sql`select pg_advisory_xact_lock(7461002)`);
    const timezone = options.timezone ?? DEFAULT_TIMEZONE;
    const plan = await planScenario(tx, scenario, { now: options.now, timezone });
    if (plan.problems.length > 0) return plan;
    if (options.proceed && !options.proceed(plan)) return plan;
    const writer = new ChangeWriter(tx, options.now, timezone);
    for (const change of plan.changes) await writer.apply(change);
    return plan;
  });
}

/** Writes planned changes, looking rows up by unit code and person key. One per transaction. */
class ChangeWriter {
  private readonly personIds = new Map<string, number>();

  constructor(
    private readonly tx: Tx,
    private readonly now: Date,
    private readonly timezone: string,
  ) {}

  async apply(change: ScenarioChange): Promise<void> {
    const { tx } = this;
    switch (change.kind) {
      case 'create_unit':
        return this.createUnit(change.code, change.name, change.parent);
      case 'update_unit':
        if (change.name)
          await tx.update(units).set({ name: change.name.to }).where(eq(units.code, change.code));
        if (change.parent) await this.moveUnit(change.code, change.parent.to);
        return;
      case 'create_person': {
        const [row] = await tx
          .insert(people)
          .values({ displayName: change.name, scenarioKey: change.key })
          .returning({ id: people.id });
        this.personIds.set(change.key, row!.id);
        return;
      }
      case 'adopt_person':
        await tx
          .update(people)
          .set({ displayName: change.name, scenarioKey: change.key })
          .where(eq(people.id, change.personId));
        this.personIds.set(change.key, change.personId);
        return;
      case 'rename_person':
        await tx
          .update(people)
          .set({ displayName: change.name.to })
          .where(eq(people.scenarioKey, change.key));
        return;
      case 'add_identity':
        await tx.insert(identities).values({
          personId: await this.personId(change.key),
          platform: change.platform,
          externalId: change.externalId,
        });
        return;
      case 'move_identity':
        await tx
          .update(identities)
          .set({ personId: await this.personId(change.key) })
          .where(and(eq(identities.platform, change.platform), eq(identities.externalId, change.externalId)));
        return;
      case 'grant_role':
        await tx.insert(roles).values({
          personId: await this.personId(change.key),
          unitId: (await this.unit(change.unit)).id,
          role: change.role,
          source: 'scenario',
        });
        return;
      case 'revoke_role':
        await tx.delete(roles).where(eq(roles.id, change.roleId));
        return;
      case 'add_chat':
        await tx.insert(chats).values({
          platform: change.platform,
          externalId: change.externalId,
          title: change.title,
          unitId: (await this.unit(change.unit)).id,
          inviteToken: randomBytes(9).toString('base64url'),
          boundAt: this.now,
        });
        return;
      case 'bind_chat':
        await tx
          .update(chats)
          .set({
            unitId: change.unit.to === null ? null : (await this.unit(change.unit.to)).id,
            boundAt: this.now,
            ...(change.title === undefined ? {} : { title: change.title }),
          })
          .where(and(eq(chats.platform, change.platform), eq(chats.externalId, change.externalId)));
        return;
      case 'retitle_chat':
        await tx
          .update(chats)
          .set({ title: change.title.to })
          .where(and(eq(chats.platform, change.platform), eq(chats.externalId, change.externalId)));
        return;
      case 'create_directive':
      case 'update_directive':
      case 'cancel_directive':
        return applyDirectiveChange(tx, change, { now: this.now, timezone: this.timezone });
      case 'create_poll_series':
      case 'update_poll_series':
      case 'stop_poll_series':
        return applyPollSeriesChange(tx, change, { now: this.now, timezone: this.timezone });
      case 'create_report_schedule':
      case 'update_report_schedule':
      case 'stop_report_schedule':
        return applyReportScheduleChange(tx, change, { now: this.now, timezone: this.timezone });
      case 'create_request_schedule':
      case 'update_request_schedule':
      case 'stop_request_schedule':
        return applyRequestScheduleChange(tx, change, { now: this.now, timezone: this.timezone });
      case 'create_survey_template':
      case 'update_survey_template':
      case 'stop_survey_template':
        return applySurveyTemplateChange(tx, change, { now: this.now, timezone: this.timezone });
      case 'replace_lexicon':
        await replaceLexicon(tx, change.lexicon);
        return;
    }
  }

  /** A unit's current row (paths change as units move, so this is read fresh). */
  private async unit(code: string) {
    const [row] = await this.tx
      .select({ id: units.id, path: units.path, depth: units.depth })
      .from(units)
      .where(eq(units.code, code));
    if (!row) throw new Error(`scenario apply: unit ${code} not found`);
    return row;
  }

  private async personId(key: string): Promise<number> {
    const known = this.personIds.get(key);
    if (known !== undefined) return known;
    const [row] = await this.tx.select({ id: people.id }).from(people).where(eq(people.scenarioKey, key));
    if (!row) throw new Error(`scenario apply: person ${key} not found`);
    this.personIds.set(key, row.id);
    return row.id;
  }

  private async createUnit(code: string, name: string, parentCode: string | null): Promise<void> {
    const parent = parentCode === null ? null : await this.unit(parentCode);
    const [row] = await this.tx
      .insert(units)
      .values({ code, name, parentId: parent?.id ?? null, path: '', depth: parent ? parent.depth + 1 : 0 })
      .returning({ id: units.id });
    await this.tx
      .update(units)
      .set({ path: `${parent?.path ?? '/'}${row!.id}/` })
      .where(eq(units.id, row!.id));
  }

  /** Re-parents a unit and rewrites the path and depth of its whole subtree (units outside the file included). */
  private async moveUnit(code: string, parentCode: string | null): Promise<void> {
    const unit = await this.unit(code);
    const parent = parentCode === null ? null : await this.unit(parentCode);
    const path = `${parent?.path ?? '/'}${unit.id}/`;
    const depthShift = (parent ? parent.depth + 1 : 0) - unit.depth;
    await this.tx
      .update(units)
      .set({ parentId: parent?.id ?? null })
      .where(eq(units.id, unit.id));
    await this.tx
      .update(units)
      .set({
        path: sql`${path}::text || substr(${units.path}, ${unit.path.length + 1}::int)`,
        depth: sql`${units.depth} + ${depthShift}::int`,
      })
      .where(like(units.path, `${unit.path}%`));
  }
}
