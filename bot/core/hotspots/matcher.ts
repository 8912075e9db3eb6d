import { diacriticWords, FOLD, foldText, MARK, SEPARATOR } from './fold';
import type { Term } from './lexicon';

export interface MatcherTopic {
  id: string;
  terms: readonly Term[];
  exclusions: readonly Term[];
}

export interface Hit {
  /** Index into `Matcher.topicIds`. */
  topic: number;
  term: string;
  /** UTF-16 range of the matched words in the original text. */
  start: number;
  end: number;
}

/** Character classes of the automaton; letters and digits used by some term come after these. */
const SEP = 0;
const SKIP = 1;
const OTHER = 2;
const EMPTY: readonly number[] = Object.freeze([]);
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

interface Pattern {
  topic: number;
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

/**
 * Whole-word multi-term matching on folded text, in one pass over the UTF-16 code units.
 *
 * Every term becomes the pattern SEP word SEP word … SEP over a small alphabet (the folded
 * letters and digits the terms use, plus separator, "other letter" and "combining mark"), and
 * the patterns are compiled into an Aho–Corasick automaton stored as a dense transition table
 * whose entries are premultiplied by the alphabet size and negated when the target state ends a
 * pattern. The scan is then one table lookup for the class and one for the transition per code
 * unit; runs of separators and combining marks are self-loops, so no folded copy is built.
 *
 * A candidate is verified against the original words: a word typed with diacritics must equal
 * the term's word with its diacritics ("fold only what the writer did not type") unless the term
 * wrote that word with none (teencode: dc, lg, ko); an exact term must equal in every word; and a
 * hit overlapping one of its topic's exclusions is dropped.
 */
export class Matcher {
  readonly topicIds: readonly string[];
  readonly patternCount: number;
  readonly stateCount: number;
  private readonly patterns: Pattern[];
  private readonly classOf: Uint16Array;
  private readonly delta: Int32Array;
  private readonly start: number;
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  private candidates = new Int32Array(64);
  private hitTopic = new Int32Array(16);
  private hitPattern = new Int32Array(16);
  private hitStart = new Int32Array(16);
  private hitEnd = new Int32Array(16);
  private readonly topicSeen: Uint8Array;
  /** topic, start, end triples of the exclusions that matched the current text. */
  private readonly exclusionSpans: number[] = [];

  constructor(topics: readonly MatcherTopic[]) {
    this.topicIds = topics.map((t) => t.id);
    this.topicSeen = new Uint8Array(topics.length);
    this.patterns = collectPatterns(topics);
    this.patternCount = this.patterns.length;
    const folded = this.patterns.map((p) => foldText(p.text));

    const alphabet = new Map<number, number>();
    for (const text of folded) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code !== 32 && !alphabet.has(code)) alphabet.set(code, OTHER + 1 + alphabet.size);
      }
    }
    const size = OTHER + 1 + alphabet.size;
    this.classOf = new Uint16Array(0x10000);
    for (let code = 0; code < 0x10000; code++) {
      const f = FOLD.folded[code]!;
      this.classOf[code] = f === MARK ? SKIP : f === SEPARATOR ? SEP : (alphabet.get(f) ?? OTHER);
    }

    const trie = buildTrie(folded, alphabet, size);
    const automaton = buildAutomaton(trie, size);
    this.stateCount = trie.count;
    this.delta = automaton.delta;
    this.outStart = automaton.outStart;
    this.outList = automaton.outList;
    this.start = this.delta[SEP]! < 0 ? -this.delta[SEP]! : this.delta[SEP]!;
  }

  /** Indices of the topics the text raises, ascending; one shared empty array when none. */
  match(text: string): readonly number[] {
    const found = this.scan(text);
    if (found === 0) return EMPTY;
    const kept = this.verify(text, found);
    if (kept === 0) return EMPTY;
    const topics: number[] = [];
    for (let h = 0; h < kept; h++) {
      const topic = this.hitTopic[h]!;
      if (this.topicSeen[topic]) continue;
      this.topicSeen[topic] = 1;
      // Insertion keeps the list ascending; a message raises few topics.
      let at = topics.length;
      topics.push(topic);
      while (at > 0 && topics[at - 1]! > topic) {
        topics[at] = topics[at - 1]!;
        at--;
      }
      topics[at] = topic;
    }
    for (const topic of topics) this.topicSeen[topic] = 0;
    return topics;
  }

  /** Every verified hit with its range (for the CLI and tests). */
  hits(text: string): Hit[] {
    const found = this.scan(text);
    const kept = found === 0 ? 0 : this.verify(text, found);
    return Array.from({ length: kept }, (_, h) => ({
      topic: this.hitTopic[h]!,
      term: this.patterns[this.hitPattern[h]!]!.text,
      start: this.hitStart[h]!,
      end: this.hitEnd[h]!,
    }));
  }

  /** The hot loop: returns how many Int32 slots of `candidates` it filled (state, end index pairs). */
  private scan(text: string): number {
    const { classOf, delta } = this;
    const n = text.length;
    let state = this.start;
    let found = 0;
    for (let i = 0; i < n; i++) {
      state = delta[state + classOf[text.charCodeAt(i)]!]!;
      if (state < 0) {
        state = -state;
        found = this.record(found, state, i);
      }
    }
    state = delta[state + SEP]!;
    if (state < 0) found = this.record(found, -state, n);
    return found;
  }

  private record(found: number, state: number, end: number): number {
    if (found + 2 > this.candidates.length) this.grow();
    this.candidates[found] = state;
    this.candidates[found + 1] = end;
    return found + 2;
  }

  private grow(): void {
    const bigger = new Int32Array(this.candidates.length * 2);
    bigger.set(this.candidates);
    this.candidates = bigger;
  }

  /**
   * Checks the candidates, writes the hits that stand into the hit buffers (term hits first, then
   * exclusions), drops the term hits an exclusion of their topic overlaps, and returns how many
   * term hits are left at the front of the buffers. No allocation unless the buffers must grow.
   */
  private verify(text: string, found: number): number {
    const size = this.delta.length / this.stateCount;
    let terms = 0;
    let exclusions = 0;
    for (let c = 0; c < found; c += 2) {
      const state = (this.candidates[c]! / size) | 0;
      const end = this.candidates[c + 1]!;
      for (let o = this.outStart[state]!; o < this.outStart[state + 1]!; o++) {
        const id = this.outList[o]!;
        const pattern = this.patterns[id]!;
        const start = verifyAt(text, end, pattern);
        if (start < 0) continue;
        if (pattern.exclusion) this.exclusionSpans.push(pattern.topic, start, end);
        else {
          this.ensureHitCapacity(terms + 1);
          this.hitTopic[terms] = pattern.topic;
          this.hitPattern[terms] = id;
          this.hitStart[terms] = start;
          this.hitEnd[terms] = end;
          terms++;
        }
      }
    }
    exclusions = this.exclusionSpans.length;
    if (exclusions === 0) return terms;
    let kept = 0;
    for (let h = 0; h < terms; h++) {
      let excluded = false;
      for (let x = 0; x < exclusions && !excluded; x += 3) {
        excluded =
          this.exclusionSpans[x] === this.hitTopic[h] &&
          this.exclusionSpans[x + 1]! < this.hitEnd[h]! &&
          this.hitStart[h]! < this.exclusionSpans[x + 2]!;
      }
      if (excluded) continue;
      this.hitTopic[kept] = this.hitTopic[h]!;
      this.hitPattern[kept] = this.hitPattern[h]!;
      this.hitStart[kept] = this.hitStart[h]!;
      this.hitEnd[kept] = this.hitEnd[h]!;
      kept++;
    }
    this.exclusionSpans.length = 0;
    return kept;
  }

  private ensureHitCapacity(needed: number): void {
    if (needed <= this.hitTopic.length) return;
    const grow = (from: Int32Array) => {
      const bigger = new Int32Array(from.length * 2);
      bigger.set(from);
      return bigger;
    };
    this.hitTopic = grow(this.hitTopic);
    this.hitPattern = grow(this.hitPattern);
    this.hitStart = grow(this.hitStart);
    this.hitEnd = grow(this.hitEnd);
  }
}

function collectPatterns(topics: readonly MatcherTopic[]): Pattern[] {
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  topics.forEach((topic, index) => {
    const add = (term: Term, exclusion: boolean) => {
      const words = diacriticWords(term.text);
      const key = `${index}/${exclusion}/${term.exact}/${words.join(' ')}`;
      if (words.length === 0 || seen.has(key)) return;
      seen.add(key);
      const marked = words.map((word) => word.normalize('NFD') !== foldText(word));
      const joined = words.join(' ');
      const fast = joined.length === foldText(term.text).length;
      patterns.push({
        topic: index,
        exclusion,
        exact: term.exact,
        text: term.text,
        words,
        marked,
        joined,
        fast,
      });
    };
    for (const term of topic.terms) add(term, false);
    for (const term of topic.exclusions) add(term, true);
  });
  return patterns;
}

interface Trie {
  /** goto[state * size + class]: child state, or -1. */
  goto: Int32Array;
  count: number;
  /** Class of the edge into each state. */
  lastClass: Int32Array;
  /** Pattern ids ending at each state. */
  ends: Map<number, number[]>;
}

function buildTrie(folded: readonly string[], alphabet: Map<number, number>, size: number): Trie {
  let capacity = 1024;
  let goto = new Int32Array(capacity * size).fill(-1);
  let lastClass = new Int32Array(capacity);
  let count = 1;
  const ends = new Map<number, number[]>();
  const step = (state: number, cls: number) => {
    const slot = state * size + cls;
    if (goto[slot]! >= 0) return goto[slot]!;
    if (count === capacity) {
      capacity *= 2;
      const biggerGoto = new Int32Array(capacity * size).fill(-1);
      biggerGoto.set(goto);
      goto = biggerGoto;
      const biggerLast = new Int32Array(capacity);
      biggerLast.set(lastClass);
      lastClass = biggerLast;
    }
    goto[slot] = count;
    lastClass[count] = cls;
    return count++;
  };
  folded.forEach((text, id) => {
    let state = step(0, SEP);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = step(state, code === 32 ? SEP : alphabet.get(code)!);
    }
    state = step(state, SEP);
    const list = ends.get(state);
    if (list) list.push(id);
    else ends.set(state, [id]);
  });
  return { goto, count, lastClass, ends };
}

/** Breadth-first: failure links, the dense table (self-loops for separators after SEP and for marks), outputs. */
function buildAutomaton(trie: Trie, size: number) {
  const { goto, count, lastClass, ends } = trie;
  const next = new Int32Array(count * size);
  const fail = new Int32Array(count);
  const outputs: number[][] = new Array(count);
  outputs[0] = [];
  const queue = new Int32Array(count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const state = queue[head++]!;
    const base = state * size;
    for (let cls = 0; cls < size; cls++) {
      const child = goto[base + cls]!;
      if (child >= 0) {
        fail[child] = state === 0 ? 0 : next[fail[state]! * size + cls]!;
        outputs[child] = [...(ends.get(child) ?? []), ...outputs[fail[child]!]!];
        next[base + cls] = child;
        queue[tail++] = child;
      } else {
        next[base + cls] = state === 0 ? 0 : next[fail[state]! * size + cls]!;
      }
    }
    next[base + SKIP] = state;
    if (state !== 0 && lastClass[state] === SEP) next[base + SEP] = state;
  }
  const delta = new Int32Array(count * size);
  for (let state = 0; state < count; state++) {
    for (let cls = 0; cls < size; cls++) {
      const target = next[state * size + cls]!;
      const repeat = target === state && (cls === SKIP || cls === SEP);
      delta[state * size + cls] = outputs[target]!.length > 0 && !repeat ? -target * size : target * size;
    }
  }
  const outStart = new Int32Array(count + 1);
  for (let state = 0; state < count; state++) outStart[state + 1] = outStart[state]! + outputs[state]!.length;
  const outList = new Int32Array(outStart[count]!);
  for (let state = 0; state < count; state++) outList.set(outputs[state]!, outStart[state]!);
  return { delta, outStart, outList };
}

/**
 * Where the matched words start (they end at `end`, where the separator after them stands or the
 * text ends), or -1 when a word the writer typed with marks differs from the term's word (exact
 * terms: every word). Most text is NFC with single spaces, so the words usually occupy exactly as
 * many code units as the folded term: that case is checked in one forward pass; anything else
 * (runs of separators, combining marks) walks back word by word.
 */
function verifyAt(text: string, end: number, pattern: Pattern): number {
  const start = end - pattern.joined.length;
  if (pattern.fast && start >= 0 && (start === 0 || KIND[text.charCodeAt(start - 1)] === KIND_SEPARATOR)) {
    const verdict = verifySpan(text, start, pattern);
    if (verdict !== RETRY) return verdict === AGREE ? start : -1;
  }
  return verifyWords(text, end, pattern);
}

const AGREE = 0;
const DISAGREE = 1;
const RETRY = 2;

/** The words in [start, start + joined.length), when they line up one to one with the term's. */
function verifySpan(text: string, start: number, pattern: Pattern): number {
  const { joined } = pattern;
  let w = 0;
  let accented = false;
  let same = true;
  for (let k = 0; k <= joined.length; k++) {
    const expected = k === joined.length ? 32 : joined.charCodeAt(k);
    if (expected === 32) {
      if (k < joined.length && KIND[text.charCodeAt(start + k)] !== KIND_SEPARATOR) return RETRY;
      if (!same && (pattern.exact || (accented && pattern.marked[w]))) return DISAGREE;
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
  return AGREE;
}

/** The general case: walks back from `end` over the pattern's words. */
function verifyWords(text: string, end: number, pattern: Pattern): number {
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
    if (pattern.exact || (marks !== 0 && pattern.marked[w])) {
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
