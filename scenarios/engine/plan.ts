import { planDirectives } from '../../bot/features/directives';
import { diffLexicon } from '../../bot/features/hotspots';
import { planPollSeries } from '../../bot/features/polls';
import { planReportSchedules } from '../../bot/features/reports';
import { planRequestSchedules } from '../../bot/features/situation-reports';
import { planSurveyTemplates } from '../../bot/features/surveys';
import { PLATFORMS, type Platform } from '../../bot/kernel/types';
import type { DbOrTx } from '../../db/client';
import { type Scenario, type ScenarioPerson, walkUnits } from '../schema';
import type { KeptUnit, ScenarioChange, ScenarioPlan } from './changes';
import { accountKey, type OrganisationState, personLabel, readOrganisation } from './state';

export interface PlanOptions {
  /** The moment the plan is for (schedules in the past are problems). Defaults to the current time. */
  now?: Date;
  /** Zone of date-times written without an offset. Defaults to Asia/Ho_Chi_Minh. */
  timezone?: string;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** What applying `scenario` would change in the database, in the order the changes must run. */
export async function planScenario(
  db: DbOrTx,
  scenario: Scenario,
  options: PlanOptions = {},
): Promise<ScenarioPlan> {
  // A file without units (say, only a lexicon) owns neither the organisation nor the directives
  // and poll series, whose audiences name its units: they are left as they are.
  const organisation = scenario.units
    ? await planOrganisation(db, scenario, scenario.units)
    : { changes: [], kept: [] };
  const directives = scenario.units
    ? await planDirectives(db, scenario, {
        now: options.now ?? new Date(),
        timezone: options.timezone ?? DEFAULT_TIMEZONE,
      })
    : { changes: [], problems: [] };
  const polls = scenario.units ? await planPollSeries(db, scenario) : [];
  const reports = scenario.units ? await planReportSchedules(db, scenario) : [];
  const requests = scenario.units
    ? await planRequestSchedules(db, scenario, options.timezone ?? DEFAULT_TIMEZONE)
    : [];
  const surveys = scenario.units ? await planSurveyTemplates(db, scenario) : [];
  const changes: ScenarioChange[] = [
    ...organisation.changes,
    ...directives.changes,
    ...polls,
    ...reports,
    ...requests,
    ...surveys,
  ];
  if (scenario.lexicon) {
    const diff = await diffLexicon(db, scenario.lexicon);
    if (diff.length > 0) changes.push({ kind: 'replace_lexicon', lexicon: scenario.lexicon, diff });
  }
  return { changes, kept: organisation.kept, problems: directives.problems };
}

/** Units, people, roles and chats; only when the file has a `units:` section (a lexicon-only file leaves them alone). */
async function planOrganisation(
  db: DbOrTx,
  scenario: Scenario,
  fileUnits: NonNullable<Scenario['units']>,
): Promise<{ changes: ScenarioChange[]; kept: KeptUnit[] }> {
  const state = await readOrganisation(db);
  const units = planUnits(fileUnits, state);
  const people = planPeople(scenario, state);
  return {
    changes: [
      ...units.changes,
      ...people.changes,
      ...planRoles(scenario, state, people.personIds),
      ...planChats(scenario, state),
    ],
    kept: units.kept,
  };
}

/** Parents come before children, so a unit's new parent exists (at its final place) when the unit is handled. */
function planUnits(
  fileUnits: NonNullable<Scenario['units']>,
  state: OrganisationState,
): { changes: ScenarioChange[]; kept: KeptUnit[] } {
  const byCode = new Map(state.units.map((unit) => [unit.code, unit]));
  const codeOf = new Map(state.units.map((unit) => [unit.id, unit.code]));
  const changes: ScenarioChange[] = [];
  const inFile = new Set<string>();
  for (const { unit, parent } of walkUnits(fileUnits)) {
    inFile.add(unit.code);
    const current = byCode.get(unit.code);
    if (!current) {
      changes.push({ kind: 'create_unit', code: unit.code, name: unit.name, parent });
      continue;
    }
    const currentParent = current.parentId === null ? null : (codeOf.get(current.parentId) ?? null);
    const name = current.name === unit.name ? undefined : { from: current.name, to: unit.name };
    const move = currentParent === parent ? undefined : { from: currentParent, to: parent };
    if (name || move) changes.push({ kind: 'update_unit', code: unit.code, name, parent: move });
  }
  const kept = state.units.filter((unit) => !inFile.has(unit.code)).map(({ code, name }) => ({ code, name }));
  return { changes, kept };
}

/**
 * People are found by scenario key. A new key whose account is already known (someone first
 * seen in a chat, without a key) adopts that person rather than creating a second one.
 * `personIds` maps each key to its row, or null when the row is yet to be created.
 */
function planPeople(
  scenario: Scenario,
  state: OrganisationState,
): { changes: ScenarioChange[]; personIds: Map<string, number | null> } {
  const byId = new Map(state.people.map((person) => [person.id, person]));
  const byKey = new Map(
    state.people.flatMap((person) => (person.scenarioKey ? [[person.scenarioKey, person]] : [])),
  );
  const ownerIds = new Map(state.identities.map((i) => [accountKey(i.platform, i.externalId), i.personId]));
  const ownerOf = (account: Account) => ownerIds.get(accountKey(account.platform, account.externalId));
  const adopted = new Set<number>();
  /** The owner of an account when they have no scenario key and no other key of this file took them. */
  const adoptableOwnerOf = (account: Account) => {
    const ownerId = ownerOf(account);
    const owner = ownerId === undefined ? undefined : byId.get(ownerId);
    return owner && owner.scenarioKey === null && !adopted.has(owner.id) ? owner : undefined;
  };
  const changes: ScenarioChange[] = [];
  const personIds = new Map<string, number | null>();

  for (const person of scenario.people) {
    const accounts = accountsOf(person);
    const existing = byKey.get(person.key);
    const adoptable = existing
      ? undefined
      : accounts.map(adoptableOwnerOf).find((owner) => owner !== undefined);
    const personId = existing?.id ?? adoptable?.id ?? null;
    personIds.set(person.key, personId);

    if (existing && existing.displayName !== person.name) {
      changes.push({
        kind: 'rename_person',
        key: person.key,
        name: { from: existing.displayName, to: person.name },
      });
    } else if (adoptable) {
      adopted.add(adoptable.id);
      changes.push({
        kind: 'adopt_person',
        key: person.key,
        name: person.name,
        personId: adoptable.id,
        previously: personLabel(adoptable),
      });
    } else if (!existing) {
      changes.push({ kind: 'create_person', key: person.key, name: person.name });
    }

    for (const account of accounts) {
      const ownerId = ownerOf(account);
      if (ownerId === undefined) {
        changes.push({ kind: 'add_identity', key: person.key, ...account });
      } else if (ownerId !== personId) {
        const owner = byId.get(ownerId);
        changes.push({
          kind: 'move_identity',
          key: person.key,
          ...account,
          from: owner ? personLabel(owner) : `#${ownerId}`,
        });
      }
    }
  }
  return { changes, personIds };
}

interface Account {
  platform: Platform;
  externalId: string;
}

function accountsOf(person: ScenarioPerson): Account[] {
  return PLATFORMS.flatMap((platform) => {
    const externalId = person.identities[platform];
    return externalId === undefined ? [] : [{ platform, externalId }];
  });
}

/** The file owns the roles with source "scenario": missing ones are granted, others revoked. Other sources are never touched. */
function planRoles(
  scenario: Scenario,
  state: OrganisationState,
  personIds: Map<string, number | null>,
): ScenarioChange[] {
  const unitIds = new Map(state.units.map((unit) => [unit.code, unit.id]));
  const unitCodes = new Map(state.units.map((unit) => [unit.id, unit.code]));
  const peopleById = new Map(state.people.map((person) => [person.id, person]));
  const roleKey = (personId: number, unitId: number | null, role: string) => `${personId}/${unitId}/${role}`;
  const held = new Set(state.roles.map((r) => roleKey(r.personId, r.unitId, r.role)));
  const wanted = new Set<string>();
  const changes: ScenarioChange[] = [];

  for (const person of scenario.people) {
    for (const grant of person.roles) {
      const personId = personIds.get(person.key);
      const unitId = unitIds.get(grant.unit);
      const key =
        personId != null && unitId !== undefined ? roleKey(personId, unitId, grant.role) : undefined;
      if (key) wanted.add(key);
      if (!key || !held.has(key))
        changes.push({ kind: 'grant_role', key: person.key, role: grant.role, unit: grant.unit });
    }
  }
  for (const role of state.roles) {
    if (role.source !== 'scenario' || wanted.has(roleKey(role.personId, role.unitId, role.role))) continue;
    const person = peopleById.get(role.personId);
    changes.push({
      kind: 'revoke_role',
      roleId: role.id,
      person: person ? personLabel(person) : `#${role.personId}`,
      role: role.role,
      unit: role.unitId === null ? null : (unitCodes.get(role.unitId) ?? null),
    });
  }
  return changes;
}

function planChats(scenario: Scenario, state: OrganisationState): ScenarioChange[] {
  const unitCodes = new Map(state.units.map((unit) => [unit.id, unit.code]));
  const byAccount = new Map(state.chats.map((chat) => [accountKey(chat.platform, chat.externalId), chat]));
  const changes: ScenarioChange[] = [];
  for (const chat of scenario.chats) {
    const ref = { platform: chat.platform, externalId: chat.id };
    const current = byAccount.get(accountKey(chat.platform, chat.id));
    if (!current) {
      changes.push({ kind: 'add_chat', ...ref, title: chat.title ?? null, unit: chat.unit });
      continue;
    }
    const currentUnit = current.unitId === null ? null : (unitCodes.get(current.unitId) ?? null);
    if (currentUnit !== chat.unit) {
      changes.push({
        kind: 'bind_chat',
        ...ref,
        title: chat.title,
        unit: { from: currentUnit, to: chat.unit },
      });
    } else if (chat.title !== undefined && chat.title !== current.title) {
      changes.push({ kind: 'retitle_chat', ...ref, title: { from: current.title, to: chat.title } });
    }
  }
  return changes;
}
