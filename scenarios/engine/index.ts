export { type ApplyOptions, applyScenario } from './apply';
export type { FromTo, KeptUnit, ScenarioChange, ScenarioChangeKind, ScenarioPlan } from './changes';
export { describeChange, describeChangeIn, describeKept } from './describe';
export { DEFAULT_TIMEZONE, type PlanOptions, planScenario } from './plan';
