import {
  type DirectiveReach,
  type DirectiveSection,
  type Figure,
  type HotspotSection,
  NONE,
  type PulseFigures,
  type PulseSection,
  type ReportUnit,
  shown,
  WITHHELD,
} from './model';

/**
 * Figures every renderer derives the same way. Each one is computed from a single row, never by
 * combining rows, so a withheld input always yields a withheld output.
 */

/** Answers per person asked; withheld with the answers. */
export function participation(row: PulseFigures): Figure {
  if (row.answers.kind !== 'value') return row.answers;
  return row.invited > 0 ? shown(Math.min(1, row.answers.value / row.invited)) : NONE;
}

/** Current minus previous; withheld when either side is (a change plus a mean reveals the other). */
export function change(current: Figure, previous: Figure): Figure {
  if (current.kind === 'withheld' || previous.kind === 'withheld') return WITHHELD;
  if (current.kind === 'none' || previous.kind === 'none') return NONE;
  return shown(current.value - previous.value);
}

export interface FallingUnit {
  unit: ReportUnit;
  mean: number;
  previousMean: number;
  change: number;
}

/** Units whose mean fell, steepest first; only units whose both means are shown. */
export function fallingUnits(pulses: PulseSection, limit: number): FallingUnit[] {
  const falling: FallingUnit[] = [];
  for (const row of pulses.units) {
    if (row.mean.kind !== 'value' || row.previousMean.kind !== 'value') continue;
    const delta = row.mean.value - row.previousMean.value;
    if (delta < 0) {
      falling.push({
        unit: row.unit,
        mean: row.mean.value,
        previousMean: row.previousMean.value,
        change: delta,
      });
    }
  }
  return falling.sort((a, b) => a.change - b.change).slice(0, limit);
}

/** Share of the targeted chats that received the directives; null when nothing was targeted. */
export function reachRate(reach: DirectiveReach): number | null {
  return reach.chats > 0 ? reach.reachedChats / reach.chats : null;
}

/** Share of the reached chats' members who acknowledged; null when nobody was reached. */
export function ackRate(reach: DirectiveReach): number | null {
  return reach.members > 0 ? reach.acknowledged / reach.members : null;
}

/** Targeted units that did not get everything, least reached first (then least acknowledged). */
export function leastReached(
  directives: DirectiveSection,
  limit: number,
): (DirectiveReach & { unit: ReportUnit })[] {
  return directives.units
    .filter((row) => row.chats > 0 && (row.reachedChats < row.chats || row.acknowledged < row.members))
    .sort((a, b) => (reachRate(a) ?? 1) - (reachRate(b) ?? 1) || (ackRate(a) ?? 1) - (ackRate(b) ?? 1))
    .slice(0, limit);
}

export function topTopics(hotspots: HotspotSection, limit: number) {
  return hotspots.topics
    .filter((row) => row.incidents > 0)
    .sort((a, b) => b.incidents - a.incidents)
    .slice(0, limit);
}

export function openIncidents(hotspots: HotspotSection): number {
  return Object.values(hotspots.openBySeverity).reduce((sum, n) => sum + n, 0);
}
