import { foldText, keepDiacritics } from '../../kernel/fold';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const NOTIFY_TARGETS = ['unit', 'parent', 'admins'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export interface EscalationStep {
  notify: NotifyTarget;
  /** Minutes without acknowledgement before the next step (PagerDuty's "escalates after"). */
  escalateAfterMinutes: number;
}

export interface EscalationPolicy {
  steps: EscalationStep[];
  /** Rounds after the first: the steps run `repeat + 1` times in all. */
  repeat: number;
}

/** The default: the unit's leaders now, the parent's after 30 min, admins after 2 h, twice more. */
export const DEFAULT_POLICY: EscalationPolicy = {
  steps: [
    { notify: 'unit', escalateAfterMinutes: 30 },
    { notify: 'parent', escalateAfterMinutes: 90 },
    { notify: 'admins', escalateAfterMinutes: 120 },
  ],
  repeat: 2,
};

export interface SurgeRule {
  /** N hits … */
  hits: number;
  /** … within W minutes, in one unit. */
  windowMinutes: number;
  /** And more than `factor` × the unit's average for a window of that length over the last `days`. */
  baseline?: { days: number; factor: number };
}

export interface Term {
  /** As written (NFC). */
  text: string;
  /** Diacritics must match even when the message has none (folding merges con dế / con dê). */
  exact: boolean;
  /** A shorthand spelling of this phrase (`shorthand.ts`): a hit names the phrase as written here. */
  as?: string;
}

export interface Topic {
  id: string;
  name: string;
  severity: Severity;
  terms: Term[];
  /** Harmless phrasings: a term hit overlapping one of these is not a hit ("bảo hiểm tai nạn"). */
  exclusions: Term[];
  surge: SurgeRule;
  playbook: string;
  escalation: EscalationPolicy;
  /** Concept rules, negation and line-level context (absent: terms and exclusions only). */
  rules?: TopicRules;
}

/**
 * A named concept: a set of words or phrases that mean one thing ("lương | lg | tiền lương").
 * Rules combine concepts; the scenario file defines them once under `lexicon.concepts`.
 */
export interface Concept {
  name: string;
  terms: Term[];
}

/** Every concept occurs in the line, their phrases not overlapping, in any order, with at most `window` other words between them. */
export interface ConceptRule {
  concepts: Concept[];
  window: number;
}

export interface TopicRules {
  rules: ConceptRule[];
  /** Phrases that negate a hit they come just before ("không ai" bị thương, "chưa bao giờ" chậm lương). */
  negation: Term[];
  /** At most this many words between the negating phrase and the hit. */
  negationScope: number;
  /** Anywhere in the line, these cancel the topic (diễn tập, tập huấn). */
  cancel: Term[];
  /** Anywhere in the line, these lower a hit's confidence (đã khắc phục, trong giới hạn). */
  lower: Term[];
  /** Right before a cancel or lower phrase (no word between), these undo it (chưa được huấn luyện). Absent in rules stored before it existed. */
  contextNegation?: Term[];
}

export const EMPTY_RULES: TopicRules = { rules: [], negation: [], negationScope: 2, cancel: [], lower: [] };

export interface Lexicon {
  /** Alerts may quote the message that opened an incident (masked). Off unless a scenario turns it on. */
  excerpts: boolean;
  topics: Topic[];
}

export const EMPTY_LEXICON: Lexicon = { excerpts: false, topics: [] };

export const TOPIC_ID_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const MAX_TERM_WORDS = 8;
export const MAX_TERM_LENGTH = 80;

/** `=con dế` is an exact term; anything else folds. Returns an error text for a term that cannot match. */
export function parseTerm(raw: string): Term | { error: string } {
  let text = raw.normalize('NFC').trim();
  const exact = text.startsWith('=');
  if (exact) text = text.slice(1).trim();
  text = text.replace(/\s+/g, ' ');
  const folded = foldText(text);
  if (folded === '') return { error: `"${raw}" has no letters or digits` };
  if (text.length > MAX_TERM_LENGTH)
    return { error: `"${raw}" is longer than ${MAX_TERM_LENGTH} characters` };
  if (folded.split(' ').length > MAX_TERM_WORDS)
    return { error: `"${raw}" has more than ${MAX_TERM_WORDS} words` };
  return { text, exact };
}

/** Two spellings are the same term when they compare equal the way the matcher compares them. */
export function termKey(term: Term): string {
  return `${term.exact ? '=' : ''}${keepDiacritics(term.text)}`;
}

export function formatTerm(term: Term): string {
  return term.exact ? `=${term.text}` : term.text;
}

/** Every step of every round, in order: index i runs `steps[i % steps.length]`. */
export function stepCount(policy: EscalationPolicy): number {
  return policy.steps.length * (policy.repeat + 1);
}
