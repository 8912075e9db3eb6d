import { foldText } from '../../kernel/fold';
import { type Automaton, compileAutomaton, SEP } from './automaton';
import { collectPatterns, type MatcherTopic, type Pattern, verifyAt } from './patterns';

export type { MatcherTopic } from './patterns';

export interface Hit {
  /** Index into `Matcher.topicIds`. */
  topic: number;
  term: string;
  /** UTF-16 range of the matched words in the original text. */
  start: number;
  end: number;
}

const EMPTY: readonly number[] = Object.freeze([]);

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
  private readonly automaton: Automaton;
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
    this.automaton = compileAutomaton(this.patterns.map((p) => foldText(p.text)));
    this.stateCount = this.automaton.stateCount;
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
    const { classOf, delta, start } = this.automaton;
    const n = text.length;
    let state = start;
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
    const { size, outStart, outList } = this.automaton;
    let terms = 0;
    let exclusions = 0;
    for (let c = 0; c < found; c += 2) {
      const state = (this.candidates[c]! / size) | 0;
      const end = this.candidates[c + 1]!;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const id = outList[o]!;
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
