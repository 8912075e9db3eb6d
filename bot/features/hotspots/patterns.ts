import { diacriticWords, FOLD, foldText, MARK, SEPARATOR } from '../../kernel/fold';
import type { Term, TopicRules } from './lexicon';

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
/** A context negation undoes only the cancel or lower phrase right after it: no word between ("lương chưa về, đã trả" stays lowered). */
export const CONTEXT_NEGATION_SCOPE = 0;
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
  /** NEGATION, CANCEL, LOWERS, CONTEXT_NEGATION: every topic the phrase applies to (one pattern for all of them). */
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

/** What `verifyAt` knows of the line: typed without diacritics, with them (`isAccentedLine`), or not yet read. */
export const LINE_PLAIN = 0;
export const LINE_ACCENTED = 1;
export const LINE_UNREAD = 2;
/** `verifyAt` with `LINE_UNREAD`: the verdict depends on whether the line is accented; read it and ask again. */
export const NEEDS_LINE = -2;

/**
 * The verification groups' spellings, flat, so a check touches one cache line of `meta` and one
 * or two of `pool` instead of a pattern object and its strings and arrays: per group g,
 * `meta[4g]` is where its joined words start in `pool`, `meta[4g + 1]` their length (-1: check
 * word by word, see `verifyAt`), `meta[4g + 2]` a bit per word written with diacritics, `meta[4g + 3]`
 * 1 for an exact term. `byGroup[g]` is one pattern of the group, for the word-by-word walk.
 */
export interface Spellings {
  meta: Int32Array;
  pool: Uint16Array;
  byGroup: Pattern[];
}

export function compileSpellings(patterns: readonly Pattern[]): Spellings {
  const byGroup: Pattern[] = [];
  for (const pattern of patterns) byGroup[pattern.group] ??= pattern;
  const meta = new Int32Array(byGroup.length * 4);
  const pool = new Uint16Array(byGroup.reduce((n, p) => n + p.joined.length, 0));
  let offset = 0;
  byGroup.forEach((pattern, group) => {
    for (let k = 0; k < pattern.joined.length; k++) pool[offset + k] = pattern.joined.charCodeAt(k);
    meta[4 * group] = offset;
    meta[4 * group + 1] = pattern.fast && pattern.words.length <= 31 ? pattern.joined.length : -1;
    meta[4 * group + 2] = pattern.marked.reduce((bits, marked, w) => (marked ? bits | (1 << w) : bits), 0);
    meta[4 * group + 3] = pattern.exact ? 1 : 0;
    offset += pattern.joined.length;
  });
  return { meta, pool, byGroup };
}

/**
 * Where the matched words of verification group `group` start (they end at `end`, where the
 * separator after them stands or the text ends), or -1 when a word the writer typed with marks
 * differs from the term's word (exact terms: every word). Most text is NFC with single spaces, so
 * the words usually occupy exactly as many code units as the folded term: that case is checked
 * in one forward pass; anything else (runs of separators, combining marks) walks back word by
 * word. Reading the whole line (`isAccentedLine`) costs more than most checks, so with
 * `LINE_UNREAD` the check answers `NEEDS_LINE` only when a word typed without marks differs from
 * the term's.
 */
export function verifyAt(
  text: string,
  end: number,
  spellings: Spellings,
  group: number,
  line = LINE_PLAIN,
): number {
  const length = spellings.meta[4 * group + 1]!;
  const start = end - length;
  if (length >= 0 && start >= 0 && (start === 0 || KIND[text.charCodeAt(start - 1)] === KIND_SEPARATOR)) {
    const verdict = verifySpan(text, start, spellings, group, line);
    if (verdict !== RETRY) return verdict === AGREE ? start : verdict === DISAGREE ? -1 : NEEDS_LINE;
  }
  return verifyWords(text, end, spellings.byGroup[group]!, line);
}

/**
 * The writer types with diacritics: at least 3 words and half of them carry a mark. In such a
 * line a word typed without marks is meant without them ("khi vào" is "when entering", not
 * "khí", gas), so it no longer matches a term's word that has them.
 */
export function isAccentedLine(text: string): boolean {
  // Without branches (a separator or an accented letter is too common to predict): a word is
  // counted at its first letter, a marked word at its first letter with a diacritic.
  let words = 0;
  let marked = 0;
  let inWord = 0;
  let wordMarked = 0;
  for (let i = 0; i < text.length; i++) {
    const kind = KIND[text.charCodeAt(i)]!;
    const letter = (kind >> 3) ^ 1;
    const accent = kind & KIND_ACCENTED;
    words += letter & (inWord ^ 1);
    marked += accent & (wordMarked ^ 1);
    wordMarked = (wordMarked | accent) & letter;
    inWord = letter;
  }
  return marked >= 3 && marked * 2 >= words;
}

const AGREE = 0;
const DISAGREE = 1;
const RETRY = 2;
const ASK_LINE = 3;

/** The words in [start, start + length), when they line up one to one with the group's. */
function verifySpan(text: string, start: number, spellings: Spellings, group: number, line: number): number {
  const { meta, pool } = spellings;
  const offset = meta[4 * group]!;
  const length = meta[4 * group + 1]!;
  const marked = meta[4 * group + 2]!;
  const exact = meta[4 * group + 3] === 1;
  let w = 0;
  let accented = false;
  let same = true;
  // Judged at the end: until every position lines up, the span may not be the words the
  // automaton matched ("bo đi... het" ends where "đi... het" is as long as "bỏ đi hết").
  let disagree = false;
  let askLine = false;
  for (let k = 0; k <= length; k++) {
    const expected = k === length ? 32 : pool[offset + k]!;
    if (expected === 32) {
      if (k < length && KIND[text.charCodeAt(start + k)] !== KIND_SEPARATOR) return RETRY;
      if (!same) {
        const markedWord = (marked >> w) & 1;
        if (exact || (accented && markedWord)) disagree = true;
        else if (markedWord) {
          if (line === LINE_ACCENTED) disagree = true;
          else if (line === LINE_UNREAD) askLine = true;
        }
      }
      w++;
      accented = false;
      same = true;
      continue;
    }
    const code = text.charCodeAt(start + k);
    const kind = KIND[code]!;
    if (kind & (KIND_SEPARATOR | KIND_MARK)) return RETRY;
    if (kind) accented = true;
    if (LOWER[code] !== expected) same = false;
  }
  return disagree ? DISAGREE : askLine ? ASK_LINE : AGREE;
}

/** The general case: walks back from `end` over the pattern's words. */
function verifyWords(text: string, end: number, pattern: Pattern, line: number): number {
  let i = end - 1;
  let start = end;
  // A later word may still disagree outright, which settles it without reading the line.
  let askLine = false;
  for (let w = pattern.words.length - 1; w >= 0; w--) {
    const wordEnd = i + 1;
    let marks = 0;
    for (; i >= 0; i--) {
      const kind = KIND[text.charCodeAt(i)]!;
      if (kind === KIND_SEPARATOR) break;
      marks |= kind;
    }
    start = i + 1;
    if (pattern.exact || (pattern.marked[w] && (marks !== 0 || line !== LINE_PLAIN))) {
      const word = pattern.words[w]!;
      const same =
        marks & KIND_MARK
          ? text.slice(start, wordEnd).normalize('NFC').toLowerCase() === word
          : sameLower(text, start, wordEnd, word);
      if (!same) {
        if (pattern.exact || marks !== 0 || line === LINE_ACCENTED) return -1;
        askLine = true;
      }
    }
    while (i >= 0 && KIND[text.charCodeAt(i)] === KIND_SEPARATOR) i--;
  }
  return askLine ? NEEDS_LINE : start;
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

/**
 * The number of words that start in code units [from, to) — `wordsBefore(to) - wordsBefore(from)`
 * without a pass over the whole text — counting at most to `atMost`.
 */
export function wordsBetween(text: string, from: number, to: number, atMost: number): number {
  let count = 0;
  let inWord = from > 0 && KIND[text.charCodeAt(from - 1)] !== KIND_SEPARATOR;
  for (let i = from; i < to && count < atMost; i++) {
    const separator = KIND[text.charCodeAt(i)] === KIND_SEPARATOR;
    if (!separator && !inWord) count++;
    inWord = !separator;
  }
  return count;
}
