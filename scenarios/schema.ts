import { z } from 'zod';
import { directiveSchema } from '../bot/features/directives';
import { lexiconSchema } from '../bot/features/hotspots';
import { pollSeriesSchema } from '../bot/features/polls';
import { reportScheduleSchema } from '../bot/features/reports';
import { requestScheduleSchema } from '../bot/features/situation-reports';
import { surveyTemplateSchema } from '../bot/features/surveys';
import { got, pattern, personKey, text, unitCode } from '../bot/kernel/fields';
import { PLATFORMS, type Platform, ROLES } from '../bot/kernel/types';

export { PERSON_KEY_PATTERN, UNIT_CODE_PATTERN } from '../bot/kernel/fields';

/**
 * Scenario files describe the organisation as code. Every object is strict, so a misspelt or
 * not-yet-supported key is an error; later sections (directives, polls, lexicon, reports) are
 * added as new keys of `scenarioSchema`.
 */

const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
const TELEGRAM_USER_ID_PATTERN = /^[0-9]{1,20}$/;
const TELEGRAM_CHAT_ID_PATTERN = /^-?[0-9]{1,20}$/;

/** Platform ids are often written unquoted (telegram: 100001), so whole numbers are accepted as text. */
const externalId = (regex: RegExp) =>
  z
    .union([z.string(), z.int()], { error: 'must be text or a whole number' })
    .transform((value) => String(value).trim().normalize('NFC'))
    .pipe(pattern(regex));

export interface ScenarioUnit {
  code: string;
  name: string;
  children: ScenarioUnit[];
}

const unitSchema = z.strictObject({
  code: unitCode,
  name: text,
  get children(): z.ZodType<ScenarioUnit[], unknown> {
    return z
      .array(unitSchema)
      .nullish()
      .transform((list) => list ?? []);
  },
});

const identitiesSchema = z
  .strictObject({
    telegram: externalId(TELEGRAM_USER_ID_PATTERN).optional(),
    slack: externalId(EXTERNAL_ID_PATTERN).optional(),
    zalo: externalId(EXTERNAL_ID_PATTERN).optional(),
    'zalo-oa': externalId(EXTERNAL_ID_PATTERN).optional(),
    sandbox: externalId(EXTERNAL_ID_PATTERN).optional(),
  } satisfies Record<Platform, z.ZodType>)
  .refine((ids) => Object.values(ids).some((id) => id !== undefined), {
    error: `must list at least one account (${PLATFORMS.join(', ')})`,
  });

const roleGrantSchema = z.strictObject({
  role: z.enum(ROLES),
  unit: unitCode,
});

const personSchema = z.strictObject({
  key: personKey,
  name: text,
  identities: identitiesSchema,
  roles: z
    .array(roleGrantSchema)
    .nullish()
    .transform((list) => list ?? []),
});

const chatSchema = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    id: externalId(EXTERNAL_ID_PATTERN),
    title: text.optional(),
    unit: unitCode,
  })
  .superRefine((chat, ctx) => {
    if (chat.platform === 'telegram' && !TELEGRAM_CHAT_ID_PATTERN.test(chat.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `a Telegram chat id must match ${TELEGRAM_CHAT_ID_PATTERN.source} ${got(chat.id)}`,
      });
    }
  });

const organisationSchema = z.strictObject({
  name: text,
  locale: z.enum(['vi', 'en']).optional(),
});

const scenarioShape = z.strictObject({
  version: z.literal(1, {
    error: (issue) => `must be 1, the only scenario format so far ${got(issue.input)}`,
  }),
  /** A file may carry only some sections (e.g. just a lexicon): the organisation is then left as it is. */
  organisation: organisationSchema.optional(),
  units: z.array(unitSchema).min(1, { error: 'must list at least one unit' }).optional(),
  people: z
    .array(personSchema)
    .nullish()
    .transform((list) => list ?? []),
  chats: z
    .array(chatSchema)
    .nullish()
    .transform((list) => list ?? []),
  directives: z
    .array(directiveSchema)
    .nullish()
    .transform((list) => list ?? []),
  polls: z
    .array(pollSeriesSchema)
    .nullish()
    .transform((list) => list ?? []),
  surveys: z
    .array(surveyTemplateSchema)
    .nullish()
    .transform((list) => list ?? []),
  reports: z
    .array(reportScheduleSchema)
    .nullish()
    .transform((list) => list ?? []),
  requests: z
    .array(requestScheduleSchema)
    .nullish()
    .transform((list) => list ?? []),
  lexicon: lexiconSchema.optional(),
});

export const scenarioSchema = scenarioShape.superRefine(checkReferences);

export type Scenario = z.output<typeof scenarioShape>;
export type ScenarioPerson = Scenario['people'][number];
export type ScenarioRoleGrant = ScenarioPerson['roles'][number];
export type ScenarioChat = Scenario['chats'][number];
export type { ScenarioDirective } from '../bot/features/directives';
export type { ScenarioPoll } from '../bot/features/polls';
export type { ScenarioReport } from '../bot/features/reports';
export type { ScenarioRequest } from '../bot/features/situation-reports';
export type { ScenarioSurvey } from '../bot/features/surveys';

type Path = (string | number)[];

/** Cross-field rules: unique codes, keys, accounts and chats; roles and chats name units of this file. */
function checkReferences(scenario: Scenario, ctx: z.RefinementCtx): void {
  const report = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const firstSeen = new Map<string, Path>();
  const claim = (key: string, path: Path, what: string) => {
    const first = firstSeen.get(key);
    if (first) report(path, `duplicate ${what} (first at ${formatPath(first)})`);
    else firstSeen.set(key, path);
  };

  const unitCodes = new Set<string>();
  const needsUnits = [
    scenario.people,
    scenario.chats,
    scenario.directives,
    scenario.polls,
    scenario.requests,
  ].some((list) => list.length > 0);
  if (!scenario.units && needsUnits)
    report(['units'], 'is required when the file lists people, chats, directives or polls');
  for (const { unit, path } of walkUnits(scenario.units ?? [], ['units'])) {
    unitCodes.add(unit.code);
    claim(`unit:${unit.code}`, [...path, 'code'], `unit code "${unit.code}"`);
  }
  const checkUnit = (code: string, path: Path) => {
    if (!unitCodes.has(code)) report(path, `unknown unit "${code}" (not defined under units:)`);
  };

  scenario.people.forEach((person, i) => {
    const at: Path = ['people', i];
    claim(`person:${person.key}`, [...at, 'key'], `person key "${person.key}"`);
    for (const [platform, id] of Object.entries(person.identities)) {
      if (id !== undefined)
        claim(`identity:${platform}:${id}`, [...at, 'identities', platform], `${platform} account "${id}"`);
    }
    person.roles.forEach((grant, j) => {
      checkUnit(grant.unit, [...at, 'roles', j, 'unit']);
      claim(
        `role:${person.key}:${grant.role}:${grant.unit}`,
        [...at, 'roles', j],
        `role ${grant.role} @ ${grant.unit}`,
      );
    });
  });

  scenario.chats.forEach((chat, i) => {
    checkUnit(chat.unit, ['chats', i, 'unit']);
    claim(`chat:${chat.platform}:${chat.id}`, ['chats', i, 'id'], `chat ${chat.platform}:${chat.id}`);
  });

  scenario.directives.forEach((directive, i) => {
    claim(`directive:${directive.id}`, ['directives', i, 'id'], `directive id "${directive.id}"`);
    directive.audience.forEach((code, j) => {
      checkUnit(code, ['directives', i, 'audience', j]);
    });
  });
  scenario.polls.forEach((poll, i) => {
    claim(`poll:${poll.key}`, ['polls', i, 'key'], `poll key "${poll.key}"`);
    poll.audience.forEach((code, j) => {
      checkUnit(code, ['polls', i, 'audience', j]);
    });
  });
  scenario.requests.forEach((request, i) => {
    claim(`request:${request.id}`, ['requests', i, 'id'], `request id "${request.id}"`);
    request.audience.forEach((code, j) => {
      checkUnit(code, ['requests', i, 'audience', j]);
    });
  });
  scenario.surveys.forEach((survey, i) => {
    claim(`survey:${survey.key}`, ['surveys', i, 'key'], `survey key "${survey.key}"`);
    survey.audience?.forEach((code, j) => {
      checkUnit(code, ['surveys', i, 'audience', j]);
    });
  });
  scenario.reports.forEach((report, i) => {
    claim(`report:${report.id}`, ['reports', i, 'id'], `report id "${report.id}"`);
    if (report.unit) checkUnit(report.unit, ['reports', i, 'unit']);
    if (report.each_child_of) checkUnit(report.each_child_of, ['reports', i, 'each_child_of']);
  });
}

/** Every unit of the tree, parents before children, with its parent's code and its path in the file. */
export function* walkUnits(
  list: readonly ScenarioUnit[],
  path: Path = ['units'],
  parent: string | null = null,
): Generator<{ unit: ScenarioUnit; parent: string | null; path: Path }> {
  for (const [i, unit] of list.entries()) {
    const at = [...path, i];
    yield { unit, parent, path: at };
    yield* walkUnits(unit.children, [...at, 'children'], unit.code);
  }
}

/** `units[0].children[1].code` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
