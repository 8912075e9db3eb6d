import type { DbOrTx } from '../../../db/client';

/**
 * What this feature needs of the scenario engine (scenarios/service.ts): handed in by the
 * composition root, because a feature does not import scenarios/ (the engine is composed of the
 * features). The CLI and the local admin endpoint run the very same function.
 */
export type ScenarioOutcome =
  | { kind: 'invalid'; errors: string[] }
  | { kind: 'planned' | 'applied' | 'changed'; lines: string[]; changes: number };

export type RunScenario = (
  db: DbOrTx,
  text: string,
  fileName: string,
  mode: 'plan' | 'apply',
  options: { now: Date; timezone: string; expectPlan?: readonly string[] },
) => Promise<ScenarioOutcome>;
