import type { DbOrTx } from '../../../db/client';
import {
  type EscalationPolicy,
  formatTerm,
  type Lexicon,
  type SurgeRule,
  type Term,
  type Topic,
  termKey,
} from './lexicon';
import { readLexicon } from './store';

/**
 * The lexicon part of a scenario plan: one line per difference with what is stored. Applying
 * replaces the stored lexicon with the file's, terms added by /keywords included.
 */
export async function diffLexicon(db: DbOrTx, next: Lexicon): Promise<string[]> {
  const { lexicon: current } = await readLexicon(db);
  const lines: string[] = [];
  if (current.excerpts !== next.excerpts)
    lines.push(`~ lexicon: excerpts ${onOff(current.excerpts)} → ${onOff(next.excerpts)}`);
  const before = new Map(current.topics.map((topic) => [topic.id, topic]));
  const after = new Set(next.topics.map((topic) => topic.id));
  for (const topic of next.topics) {
    const old = before.get(topic.id);
    if (!old) {
      lines.push(
        `+ topic ${topic.id} "${topic.name}" (${topic.severity}, ${topic.terms.length} terms, ${topic.exclusions.length} exclusions)`,
      );
      continue;
    }
    const changed = topicChanges(old, topic);
    if (changed.length > 0) lines.push(`~ topic ${topic.id}: ${changed.join(', ')}`);
    lines.push(...termChanges(topic.id, 'term', old.terms, topic.terms));
    lines.push(...termChanges(topic.id, 'exclusion', old.exclusions, topic.exclusions));
  }
  for (const topic of current.topics) {
    if (!after.has(topic.id)) lines.push(`- topic ${topic.id} "${topic.name}"`);
  }
  return lines;
}

/** JSON with keys sorted: the stored rules come back from jsonb with their keys reordered. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

const onOff = (value: boolean) => (value ? 'on' : 'off');

function topicChanges(old: Topic, topic: Topic): string[] {
  const changes: string[] = [];
  if (old.name !== topic.name) changes.push(`name "${old.name}" → "${topic.name}"`);
  if (old.severity !== topic.severity) changes.push(`severity ${old.severity} → ${topic.severity}`);
  if (surgeKey(old.surge) !== surgeKey(topic.surge)) changes.push('surge rule');
  if (old.playbook !== topic.playbook) changes.push('playbook');
  if (policyKey(old.escalation) !== policyKey(topic.escalation)) changes.push('escalation');
  if (canonical(old.rules ?? null) !== canonical(topic.rules ?? null)) changes.push('rules');
  return changes;
}

/** Compared field by field: the stored policy comes back from jsonb with its keys reordered. */
const policyKey = (policy: EscalationPolicy) =>
  `${policy.repeat}:${policy.steps.map((step) => `${step.notify}/${step.escalateAfterMinutes}`).join(',')}`;

const surgeKey = (surge: SurgeRule) =>
  `${surge.hits}/${surge.windowMinutes}/${surge.baseline ? `${surge.baseline.days}/${surge.baseline.factor}` : '-'}`;

function termChanges(topicId: string, what: string, old: readonly Term[], now: readonly Term[]): string[] {
  const oldKeys = new Set(old.map(termKey));
  const newKeys = new Set(now.map(termKey));
  return [
    ...now.filter((t) => !oldKeys.has(termKey(t))).map((t) => `+ ${what} ${topicId}: ${formatTerm(t)}`),
    ...old.filter((t) => !newKeys.has(termKey(t))).map((t) => `- ${what} ${topicId}: ${formatTerm(t)}`),
  ];
}
