import type { DbOrTx } from '../db/client';
import {
  applyScenario,
  describeChangeIn,
  describeKept,
  planScenario,
  type ScenarioPlan,
} from './engine/index';
import { formatErrors, parseScenario, type ScenarioError } from './load';
import { formatPath } from './schema';

/**
 * Validate → plan → apply of one scenario text, as the CLI, the in-chat upload and the local admin
 * endpoint all run it: the same checks, the same error lines (`file:line:column field: message`)
 * and the same plan lines, so an admin sees the same text wherever the file went in.
 */
export type ScenarioOutcome =
  /** The file is invalid, or cannot be applied against this database now: nothing was written. */
  | { kind: 'invalid'; errors: string[] }
  /** The plan's lines (changes, kept units, or "No changes."); `changes` counts change lines. */
  | { kind: 'planned'; lines: string[]; changes: number }
  | { kind: 'applied'; lines: string[]; changes: number }
  /** apply's `expectPlan` did not match the plan of the moment: nothing was written. */
  | { kind: 'changed'; lines: string[]; changes: number };

export interface ScenarioRunOptions {
  now: Date;
  timezone: string;
  /** Apply only when the plan's lines equal these (what the admin saw and confirmed). */
  expectPlan?: readonly string[];
}

/** Plans (`apply: false`) or applies a scenario text named `fileName` (used in error lines). */
export async function runScenarioText(
  db: DbOrTx,
  text: string,
  fileName: string,
  mode: 'plan' | 'apply',
  options: ScenarioRunOptions,
): Promise<ScenarioOutcome> {
  const loaded = parseScenario(text, fileName);
  if (!loaded.ok) return { kind: 'invalid', errors: formatErrors(loaded.errors).split('\n') };
  const { scenario, locate } = loaded;
  const { now, timezone, expectPlan } = options;
  let mismatch = false;
  const plan =
    mode === 'plan'
      ? await planScenario(db, scenario, { now, timezone })
      : await applyScenario(db, scenario, {
          now,
          timezone,
          ...(expectPlan && {
            proceed: (planned: ScenarioPlan) => {
              mismatch = !sameLines(planLines(planned, timezone).lines, expectPlan);
              return !mismatch;
            },
          }),
        });
  if (plan.problems.length > 0) {
    const errors = plan.problems.map(
      (p): ScenarioError => ({ ...locate(p.path), field: formatPath(p.path), message: p.message }),
    );
    return { kind: 'invalid', errors: formatErrors(errors).split('\n') };
  }
  const { lines, changes } = planLines(plan, timezone);
  if (mismatch) return { kind: 'changed', lines, changes };
  return { kind: mode === 'plan' ? 'planned' : 'applied', lines, changes };
}

/** The plan as the CLI prints it: one line per change (a lexicon lists one per topic or term), kept units, or "No changes.". */
export function planLines(plan: ScenarioPlan, timezone: string): { lines: string[]; changes: number } {
  const changeLines = plan.changes.flatMap((change) => describeChangeIn(change, timezone).split('\n'));
  const lines = [...changeLines, ...plan.kept.map(describeKept)];
  if (plan.changes.length === 0) lines.push('No changes.');
  return { lines, changes: changeLines.length };
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
