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

interface Pattern {
  topic: number;
  exclusion: boolean;
  exact: boolean;
  text: string;
  /** Lower-case NFC words, compared with the message's words that carry diacritics. */
  words: string[];
  /** Per word: the term wrote it with diacritics (teencode such as "dc", "lg" has none, so any marks pass). */
  marked: boolean[];
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

  constructor(topics: readonly MatcherTopic[]) {
    this.topicIds = topics.map((t) => t.id);
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
    const topics = [...new Set(this.verify(text, found).map((hit) => hit.topic))];
    return topics.sort((a, b) => a - b);
  }

  /** Every verified hit with its range (for excerpts, the CLI and tests). */
  hits(text: string): Hit[] {
    const found = this.scan(text);
    return found === 0 ? [] : this.verify(text, found);
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

  private verify(text: string, found: number): Hit[] {
    const terms: Hit[] = [];
    const exclusions: Hit[] = [];
    const size = this.delta.length / this.stateCount;
    for (let c = 0; c < found; c += 2) {
      const state = this.candidates[c]! / size;
      const end = this.candidates[c + 1]!;
      for (let o = this.outStart[state]!; o < this.outStart[state + 1]!; o++) {
        const pattern = this.patterns[this.outList[o]!]!;
        const start = wordsStart(text, end, pattern.words.length);
        if (!accentsAgree(text, start, end, pattern)) continue;
        const hit = { topic: pattern.topic, term: pattern.text, start, end: lastWordEnd(text, end) };
        (pattern.exclusion ? exclusions : terms).push(hit);
      }
    }
    return terms.filter(
      (hit) => !exclusions.some((x) => x.topic === hit.topic && x.start < hit.end && hit.start < x.end),
    );
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
      patterns.push({ topic: index, exclusion, exact: term.exact, text: term.text, words, marked });
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

const isSeparator = (code: number) => FOLD.folded[code] === SEPARATOR;

/** `end` is the separator after the last word (or the text's length); returns where the first of `words` words starts. */
function wordsStart(text: string, end: number, words: number): number {
  let i = end - 1;
  while (i >= 0 && isSeparator(text.charCodeAt(i))) i--;
  let start = i + 1;
  for (let w = 0; w < words; w++) {
    while (i >= 0 && !isSeparator(text.charCodeAt(i))) i--;
    start = i + 1;
    while (i >= 0 && isSeparator(text.charCodeAt(i))) i--;
  }
  return start;
}

function lastWordEnd(text: string, end: number): number {
  let i = end;
  while (i > 0 && isSeparator(text.charCodeAt(i - 1))) i--;
  return i;
}

/** The message's words in [start, end) against the term's: exact terms always, others where the writer typed marks. */
function accentsAgree(text: string, start: number, end: number, pattern: Pattern): boolean {
  let w = 0;
  let i = start;
  while (i < end && w < pattern.words.length) {
    while (i < end && isSeparator(text.charCodeAt(i))) i++;
    let j = i;
    let accented = false;
    while (j < end && !isSeparator(text.charCodeAt(j))) {
      if (FOLD.accented[text.charCodeAt(j)]) accented = true;
      j++;
    }
    if (j === i) break;
    const compare = pattern.exact || (accented && pattern.marked[w]);
    if (compare && text.slice(i, j).normalize('NFC').toLowerCase() !== pattern.words[w]) return false;
    w++;
    i = j;
  }
  return true;
}
