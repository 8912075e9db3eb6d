export { type CollectOptions, collectReport } from './collect';
export { type PeriodRequest, parseLocalDate, previousPeriod, resolvePeriod } from './period';
