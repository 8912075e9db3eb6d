import type { DirectiveChange, ScenarioProblem } from '../../bot/features/directives';
import type { Lexicon } from '../../bot/features/hotspots';
import type { PollSeriesChange } from '../../bot/features/polls';
import type { ReportScheduleChange } from '../../bot/features/reports';
import type { RequestScheduleChange } from '../../bot/features/situation-reports';
import type { SurveyTemplateChange } from '../../bot/features/surveys';
import type { Platform, Role } from '../../bot/kernel/types';

export interface FromTo<T> {
  from: T;
  to: T;
}

/**
 * One difference between a scenario file and the database. Units are named by code and
 * people by scenario key, so a plan reads the same before and after it is applied.
 */
export type ScenarioChange =
  | { kind: 'create_unit'; code: string; name: string; parent: string | null }
  | { kind: 'update_unit'; code: string; name?: FromTo<string>; parent?: FromTo<string | null> }
  | { kind: 'create_person'; key: string; name: string }
  /** Someone first seen in a chat (no scenario key) owns one of the person's accounts: they become that person. */
  | { kind: 'adopt_person'; key: string; name: string; personId: number; previously: string }
  | { kind: 'rename_person'; key: string; name: FromTo<string> }
  | { kind: 'add_identity'; key: string; platform: Platform; externalId: string }
  /** The account belonged to someone else (`from` labels them); it moves to the person of the file. */
  | { kind: 'move_identity'; key: string; platform: Platform; externalId: string; from: string }
  | { kind: 'grant_role'; key: string; role: Role; unit: string }
  /** `person` is the scenario key, or `#id "name"` for someone without one; `unit` null is organisation-wide. */
  | { kind: 'revoke_role'; roleId: number; person: string; role: Role; unit: string | null }
  | { kind: 'add_chat'; platform: Platform; externalId: string; title: string | null; unit: string }
  /** An existing chat gets its unit (`unit.from` null: it was not bound); `title` is set when the file gives one. */
  | { kind: 'bind_chat'; platform: Platform; externalId: string; title?: string; unit: FromTo<string | null> }
  | { kind: 'retitle_chat'; platform: Platform; externalId: string; title: FromTo<string | null> }
  /** The file's lexicon replaces the stored one; `diff` has one line per difference. */
  | { kind: 'replace_lexicon'; lexicon: Lexicon; diff: string[] }
  | DirectiveChange
  | PollSeriesChange
  | ReportScheduleChange
  | RequestScheduleChange
  | SurveyTemplateChange;

export type ScenarioChangeKind = ScenarioChange['kind'];

/** A unit in the database that the file does not mention: scenarios never delete units. */
export interface KeptUnit {
  code: string;
  name: string;
}

export interface ScenarioPlan {
  changes: ScenarioChange[];
  kept: KeptUnit[];
  /** Entries that cannot be applied as they stand (checked against the database and the clock); apply writes nothing then. */
  problems: ScenarioProblem[];
}
