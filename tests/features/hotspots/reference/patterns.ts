import type { Term, TopicRules } from '../../../../bot/features/hotspots/lexicon';
import { diacriticWords, FOLD, foldText, MARK, SEPARATOR } from '../../../../bot/kernel/fold';

export interface MatcherTopic {
  id: string;
  terms: readonly Term[];
  exclusions: readonly Term[];
  rules?: TopicRules | undefined;
}

/** What a pattern does when it matches. */
export const TERM = 0;
export const EXCLUSION = 1;
export const CONCEPT = 2;
export const NEGATION = 3;
export const CANCEL = 4;
export const LOWERS = 5;
export const CONTEXT_NEGATION = 6;
export type PatternKind =
  | typeof TERM
  | typeof EXCLUSION
  | typeof CONCEPT
  | typeof NEGATION
  | typeof CANCEL
  | typeof LOWERS
  | typeof CONTEXT_NEGATION;

/**
 * A term or exclusion of a topic, ready for verification. A candidate found on folded text is a
 * hit only when the words the writer typed with diacritics equal the term's ("fold only what the
 * writer did not type"), unless the term wrote that word with none (teencode: dc, lg, ko); an exact
 * term must equal in every word.
 */
export interface Pattern {
  topic: number;
  kind: PatternKind;
  /** CONCEPT only: which rule of the topic, which concept of the rule, and the concept's name. */
  rule: number;
  slot: number;
  concept: string;
  /** Patterns with the same words and exactness share one verification per candidate. */
  group: number;
  /** NEGATION, CANCEL, LOWERS: every topic the phrase applies to (one pattern for all of them). */
  shared: Uint8Array | null;
  exclusion: boolean;
  exact: boolean;
  text: string;
  /** Lower-case NFC words, compared with the message's words that carry diacritics. */
  words: string[];
  /** Per word: the term wrote it with diacritics (teencode such as "dc", "lg" has none, so any marks pass). */
  marked: boolean[];
  /** The words joined by one space; `fast` when it is as long as the folded term (one code unit per letter). */
  joined: string;
  fast: boolean;
}

export function collectPatterns(topics: readonly MatcherTopic[]): Pattern[] {
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  const groups = new Map<string, number>();
  const sharedPatterns = new Map<string, Pattern>();
  topics.forEach((topic, index) => {
    const add = (term: Term, kind: PatternKind, rule = -1, slot = -1, concept = '') => {
      const words = diacriticWords(term.text);
      const spelling = `${term.exact}/${words.join(' ')}`;
      const key = `${index}/${kind}/${rule}/${slot}/${spelling}`;
      if (words.length === 0 || seen.has(key)) return;
      seen.add(key);
      const isShared = kind === NEGATION || kind === CANCEL || kind === LOWERS || kind === CONTEXT_NEGATION;
      const sharedWith = isShared ? sharedPatterns.get(`${kind}/${spelling}`) : undefined;
      if (sharedWith) {
        sharedWith.shared![index] = 1;
        return;
      }
      let group = groups.get(spelling);
      if (group === undefined) {
        group = groups.size;
        groups.set(spelling, group);
      }
      const marked = words.map((word) => word.normalize('NFD') !== foldText(word));
      const joined = words.join(' ');
      const fast = joined.length === foldText(term.text).length;
      const pattern: Pattern = {
        topic: index,
        kind,
        rule,
        slot,
        concept,
        group,
        exclusion: kind === EXCLUSION,
        exact: term.exact,
        text: term.as ?? term.text,
        words,
        marked,
        joined,
        fast,
        shared: null,
      };
      if (isShared) {
        pattern.shared = new Uint8Array(topics.length);
        pattern.shared[index] = 1;
        sharedPatterns.set(`${kind}/${spelling}`, pattern);
      }
      patterns.push(pattern);
    };
    for (const term of topic.terms) add(term, TERM);
    for (const term of topic.exclusions) add(term, EXCLUSION);
    const rules = topic.rules;
    if (!rules) return;
    rules.rules.forEach((rule, r) => {
      rule.concepts.forEach((concept, c) => {
        for (const term of concept.terms) add(term, CONCEPT, r, c, concept.name);
      });
    });
    for (const term of rules.negation) add(term, NEGATION);
    for (const term of rules.cancel) add(term, CANCEL);
    for (const term of rules.lower) add(term, LOWERS);
    for (const term of rules.contextNegation ?? []) add(term, CONTEXT_NEGATION);
  });
  return patterns;
}

const { lower: LOWER } = FOLD;

/** Per code unit, for verification: a separator, a letter typed with a diacritic, a combining mark, or 0. */
const KIND_SEPARATOR = 8;
const KIND_ACCENTED = 1;
const KIND_MARK = 2;
const KIND = (() => {
  const kinds = new Uint8Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    const folded = FOLD.folded[code]!;
    if (folded === SEPARATOR) kinds[code] = KIND_SEPARATOR;
    else if (folded === MARK) kinds[code] = KIND_ACCENTED | KIND_MARK;
    else if (FOLD.accented[code]) kinds[code] = KIND_ACCENTED;
  }
  return kinds;
})();

/**
 * Where the matched words start (they end at `end`, where the separator after them stands or the
 * text ends), or -1 when a word the writer typed with marks differs from the term's word (exact
 * terms: every word). Most text is NFC with single spaces, so the words usually occupy exactly as
 * many code units as the folded term: that case is checked in one forward pass; anything else
 * (runs of separators, combining marks) walks back word by word.
 */
export function verifyAt(text: string, end: number, pattern: Pattern): number {
  return verifyIn(text, end, pattern, accentedLine(text));
}

/** The same rule as the shipped matcher's `isAccentedLine`, over NFC words: ≥ 3 marked, ≥ half. */
function accentedLine(text: string): boolean {
  const words: boolean[] = [];
  let current: boolean | undefined;
  for (let i = 0; i <= text.length; i++) {
    const kind = i === text.length ? KIND_SEPARATOR : KIND[text.charCodeAt(i)]!;
    if (kind === KIND_SEPARATOR) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? false) || kind !== 0;
  }
  const marked = words.filter(Boolean).length;
  return marked >= 3 && marked * 2 >= words.length;
}

/** The general walk only (the shipped matcher also has a one-pass fast path for plain NFC lines). */
function verifyIn(text: string, end: number, pattern: Pattern, accented: boolean): number {
  return verifyWords(text, end, pattern, accented);
}

/** The general case: walks back from `end` over the pattern's words. */
function verifyWords(text: string, end: number, pattern: Pattern, accentedLine: boolean): number {
  let i = end - 1;
  let start = end;
  for (let w = pattern.words.length - 1; w >= 0; w--) {
    const wordEnd = i + 1;
    let marks = 0;
    for (; i >= 0; i--) {
      const kind = KIND[text.charCodeAt(i)]!;
      if (kind === KIND_SEPARATOR) break;
      marks |= kind;
    }
    start = i + 1;
    if (pattern.exact || ((marks !== 0 || accentedLine) && pattern.marked[w])) {
      const word = pattern.words[w]!;
      const same =
        marks & KIND_MARK
          ? text.slice(start, wordEnd).normalize('NFC').toLowerCase() === word
          : sameLower(text, start, wordEnd, word);
      if (!same) return -1;
    }
    while (i >= 0 && KIND[text.charCodeAt(i)] === KIND_SEPARATOR) i--;
  }
  return start;
}

/** text[i, j) lower-cased equals `word` (both NFC), without building a string. */
function sameLower(text: string, i: number, j: number, word: string): boolean {
  if (j - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if (LOWER[text.charCodeAt(i + k)] !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Fills `into[i]` with the number of words that start before code unit i, for i in 0..text.length
 * (word distances for concept windows and negation scope). Returns `into`, or a bigger copy.
 */
export function wordsBefore(text: string, into: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const n = text.length;
  const out = into.length > n ? into : new Int32Array(Math.max(n + 1, into.length * 2));
  let count = 0;
  let inWord = false;
  for (let i = 0; i < n; i++) {
    out[i] = count;
    const separator = KIND[text.charCodeAt(i)] === KIND_SEPARATOR;
    if (!separator && !inWord) count++;
    inWord = !separator;
  }
  out[n] = count;
  return out;
}
