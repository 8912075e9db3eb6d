import { ackRate, fallingUnits, leastReached, participation, reachRate } from './derive';
import { type ReportUnit, type SituationReport, shownValue, type Topic } from './model';

/** Section IV ("Đề xuất, kiến nghị"): what the figures ask the committee to do, most urgent first. */
export type Proposal =
  | { kind: 'openIncidents'; critical: number; high: number }
  | { kind: 'slowAck'; minutes: number }
  | { kind: 'falling'; unit: ReportUnit; mean: number; previousMean: number; change: number }
  | { kind: 'lowParticipation'; rate: number }
  | { kind: 'lowReach'; unit: ReportUnit; reach: number; ackRate: number | null }
  | { kind: 'feedbackTopic'; topic: Topic; messages: number }
  | { kind: 'withheldUnits'; count: number }
  | { kind: 'steady' };

/** A fall worth a proposal, as a share of the scale's range (0.3 points on a 1–5 scale). */
export const NOTABLE_FALL = 0.075;
export const LOW_PARTICIPATION = 0.5;
export const LOW_REACH = 0.8;
export const LOW_ACK = 0.5;
/** Half a working day without acknowledgement is too slow for a hot spot. */
export const SLOW_ACK_MINUTES = 240;
const MAX_UNITS_PER_KIND = 3;

export function proposals(report: SituationReport): Proposal[] {
  const { pulses, hotspots, directives, feedback } = report;
  const list: Proposal[] = [];

  const { critical, high } = hotspots.openBySeverity;
  if (critical + high > 0) list.push({ kind: 'openIncidents', critical, high });
  if (hotspots.medianAckMinutes !== null && hotspots.medianAckMinutes > SLOW_ACK_MINUTES) {
    list.push({ kind: 'slowAck', minutes: hotspots.medianAckMinutes });
  }

  const range = pulses.scale.max - pulses.scale.min;
  for (const unit of fallingUnits(pulses, MAX_UNITS_PER_KIND)) {
    if (-unit.change >= NOTABLE_FALL * range) list.push({ kind: 'falling', ...unit });
  }

  const rate = participation(pulses.overall);
  if (rate.kind === 'value' && rate.value < LOW_PARTICIPATION) {
    list.push({ kind: 'lowParticipation', rate: rate.value });
  }

  for (const row of leastReached(directives, directives.units.length)) {
    if (list.filter((p) => p.kind === 'lowReach').length === MAX_UNITS_PER_KIND) break;
    const reach = reachRate(row) ?? 1;
    const acks = ackRate(row);
    if (reach < LOW_REACH || (acks !== null && acks < LOW_ACK)) {
      list.push({ kind: 'lowReach', unit: row.unit, reach, ackRate: acks });
    }
  }

  let loudest: { topic: Topic; messages: number } | undefined;
  for (const row of feedback.topics) {
    const messages = shownValue(row.messages);
    if (messages && (!loudest || messages > loudest.messages)) loudest = { topic: row.topic, messages };
  }
  if (loudest) list.push({ kind: 'feedbackTopic', ...loudest });

  const withheld = pulses.units.filter((row) => row.answers.kind === 'withheld').length;
  if (withheld > 0) list.push({ kind: 'withheldUnits', count: withheld });

  if (list.length === 0) list.push({ kind: 'steady' });
  return list;
}
