import { type Automaton, compileAutomaton, SEP } from './automaton';
import { foldText } from './fold';
import type { TopicRules } from './lexicon';
import {
  CANCEL,
  CONCEPT,
  collectPatterns,
  EXCLUSION,
  LOWERS,
  type MatcherTopic,
  NEGATION,
  type Pattern,
  TERM,
  verifyAt,
  wordsBefore,
} from './patterns';

export type { MatcherTopic } from './patterns';

export interface Hit {
  /** Index into `Matcher.topicIds`. */
  topic: number;
  term: string;
  /** UTF-16 range of the matched words in the original text. */
  start: number;
  end: number;
}

/** What the rules make of one topic in one line. */
export interface TopicVerdict {
  /** Index into `Matcher.topicIds`. */
  topic: number;
  /** `hit`: the rules raise the topic; `lowered`: they do, but the line's context lowers it (đã khắc phục). */
  strength: 'hit' | 'lowered';
  /** The terms that matched (as written in the lexicon), after exclusions and negation. */
  terms: string[];
  /** The concepts of the rules that matched, in rule order. */
  concepts: string[];
}

export interface Analysis {
  verdicts: TopicVerdict[];
  /** Topics the rules would raise but a cancelling context (diễn tập, tập huấn) takes away. */
  cancelled: number[];
  /** Some term, concept or context phrase of the lexicon occurs in the line (the model's gate). */
  vocabulary: boolean;
}

const EMPTY: readonly number[] = Object.freeze([]);
const NOTHING: Analysis = Object.freeze({ verdicts: [], cancelled: [], vocabulary: false }) as Analysis;

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
  private readonly rules: (TopicRules | undefined)[];
  private candidates = new Int32Array(64);
  /** Verified spans of the current text: pattern id, start, end. */
  private spanPattern = new Int32Array(16);
  private spanStart = new Int32Array(16);
  private spanEnd = new Int32Array(16);
  /** Per verification group: the candidate end it was last checked at, and the start it found (-1: no). */
  private readonly groupEnd: Int32Array;
  private readonly groupStart: Int32Array;
  private readonly groupStamp: Int32Array;
  private stamp = 0;
  private words: Int32Array<ArrayBuffer> = new Int32Array(256);

  constructor(topics: readonly MatcherTopic[]) {
    this.topicIds = topics.map((t) => t.id);
    this.rules = topics.map((t) => t.rules);
    this.patterns = collectPatterns(topics);
    this.patternCount = this.patterns.length;
    this.automaton = compileAutomaton(this.patterns.map((p) => foldText(p.text)));
    this.stateCount = this.automaton.stateCount;
    const groups = this.patterns.reduce((most, p) => Math.max(most, p.group + 1), 0);
    this.groupEnd = new Int32Array(groups);
    this.groupStart = new Int32Array(groups);
    this.groupStamp = new Int32Array(groups);
  }

  /** Indices of the topics the rules raise (not lowered, not cancelled), ascending; one shared empty array when none. */
  match(text: string): readonly number[] {
    const found = this.scan(text);
    if (found === 0) return EMPTY;
    const spans = this.verify(text, found);
    if (spans === 0) return EMPTY;
    const topics: number[] = [];
    for (const verdict of this.resolve(text, spans).verdicts) {
      if (verdict.strength === 'hit') topics.push(verdict.topic);
    }
    return topics.length === 0 ? EMPTY : topics;
  }

  /** Every topic the rules raise or lower, with the terms and concepts that matched. */
  analyse(text: string): Analysis {
    const found = this.scan(text);
    if (found === 0) return NOTHING;
    const spans = this.verify(text, found);
    if (spans === 0) return NOTHING;
    return this.resolve(text, spans);
  }

  /** Every verified term hit with its range, after exclusions (for the CLI and tests). */
  hits(text: string): Hit[] {
    const found = this.scan(text);
    const spans = found === 0 ? 0 : this.verify(text, found);
    const hits: Hit[] = [];
    for (let s = 0; s < spans; s++) {
      const pattern = this.patterns[this.spanPattern[s]!]!;
      if (pattern.kind !== TERM || this.overlapsKind(spans, s, pattern.topic, EXCLUSION)) continue;
      hits.push({
        topic: pattern.topic,
        term: pattern.text,
        start: this.spanStart[s]!,
        end: this.spanEnd[s]!,
      });
    }
    return hits;
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
    if (found + 2 > this.candidates.length) this.candidates = grow(this.candidates);
    this.candidates[found] = state;
    this.candidates[found + 1] = end;
    return found + 2;
  }

  /**
   * Checks the candidates against the original words and writes the spans that stand (pattern,
   * start, end) into the span buffers; returns how many. Patterns spelled alike share one check.
   */
  private verify(text: string, found: number): number {
    const { size, outStart, outList } = this.automaton;
    let spans = 0;
    const stamp = ++this.stamp;
    for (let c = 0; c < found; c += 2) {
      const state = (this.candidates[c]! / size) | 0;
      const end = this.candidates[c + 1]!;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const id = outList[o]!;
        const pattern = this.patterns[id]!;
        let start: number;
        if (this.groupStamp[pattern.group] === stamp && this.groupEnd[pattern.group] === end)
          start = this.groupStart[pattern.group]!;
        else {
          start = verifyAt(text, end, pattern);
          this.groupStamp[pattern.group] = stamp;
          this.groupEnd[pattern.group] = end;
          this.groupStart[pattern.group] = start;
        }
        if (start < 0) continue;
        if (spans + 1 > this.spanPattern.length) {
          this.spanPattern = grow(this.spanPattern);
          this.spanStart = grow(this.spanStart);
          this.spanEnd = grow(this.spanEnd);
        }
        this.spanPattern[spans] = id;
        this.spanStart[spans] = start;
        this.spanEnd[spans] = end;
        spans++;
      }
    }
    return spans;
  }

  /** Span s overlaps a span of `kind` of the same topic. */
  private overlapsKind(spans: number, s: number, topic: number, kind: number): boolean {
    for (let x = 0; x < spans; x++) {
      const other = this.patterns[this.spanPattern[x]!]!;
      if (other.kind === kind && other.topic === topic && this.overlap(s, x)) return true;
    }
    return false;
  }

  private overlap(a: number, b: number): boolean {
    return this.spanStart[a]! < this.spanEnd[b]! && this.spanStart[b]! < this.spanEnd[a]!;
  }

  /** From the verified spans to per-topic verdicts: exclusions, negation, concept windows, context. */
  private resolve(text: string, spans: number): Analysis {
    const byTopic = new Map<number, number[]>();
    for (let s = 0; s < spans; s++) {
      const topic = this.patterns[this.spanPattern[s]!]!.topic;
      const list = byTopic.get(topic);
      if (list) list.push(s);
      else byTopic.set(topic, [s]);
    }
    let wordsReady = false;
    const wb = (at: number) => {
      if (!wordsReady) {
        this.words = wordsBefore(text, this.words);
        wordsReady = true;
      }
      return this.words[at]!;
    };
    const verdicts: TopicVerdict[] = [];
    const cancelled: number[] = [];
    const topics = [...byTopic.keys()].sort((a, b) => a - b);
    for (const topic of topics) {
      const list = byTopic.get(topic)!;
      const of = (kind: number) => list.filter((s) => this.patterns[this.spanPattern[s]!]!.kind === kind);
      const exclusions = of(EXCLUSION);
      const negations = of(NEGATION);
      const free = (s: number) =>
        !exclusions.some((x) => this.overlap(s, x)) && !negations.some((x) => x !== s && this.overlap(s, x));
      const scope = this.rules[topic]?.negationScope ?? 2;
      const negated = (start: number) =>
        negations.some((x) => this.spanEnd[x]! <= start && wb(start) - wb(this.spanEnd[x]!) <= scope);
      const terms = [
        ...new Set(
          of(TERM)
            .filter((s) => !exclusions.some((x) => this.overlap(s, x)) && !negated(this.spanStart[s]!))
            .map((s) => this.patterns[this.spanPattern[s]!]!.text),
        ),
      ];
      const concepts = this.matchRules(topic, of(CONCEPT).filter(free), wb, negated);
      if (terms.length === 0 && concepts.length === 0) continue;
      if (of(CANCEL).length > 0) {
        cancelled.push(topic);
        continue;
      }
      verdicts.push({ topic, strength: of(LOWERS).length > 0 ? 'lowered' : 'hit', terms, concepts });
    }
    return { verdicts, cancelled, vocabulary: true };
  }

  /** The concept names of every rule of the topic that some choice of non-overlapping spans satisfies. */
  private matchRules(
    topic: number,
    conceptSpans: number[],
    wb: (at: number) => number,
    negated: (start: number) => boolean,
  ): string[] {
    const rules = this.rules[topic]?.rules;
    if (!rules || conceptSpans.length === 0) return [];
    const names: string[] = [];
    rules.forEach((rule, r) => {
      const slots = rule.concepts.map((_, c) =>
        conceptSpans.filter((s) => {
          const p = this.patterns[this.spanPattern[s]!]!;
          return p.rule === r && p.slot === c;
        }),
      );
      if (slots.some((slot) => slot.length === 0)) return;
      const chosen: number[] = [];
      const fits = (): boolean => {
        if (chosen.length < slots.length) {
          for (const s of slots[chosen.length]!) {
            if (chosen.some((x) => this.overlap(s, x))) continue;
            chosen.push(s);
            if (fits()) return true;
            chosen.pop();
          }
          return false;
        }
        let first = Number.POSITIVE_INFINITY;
        let last = 0;
        let covered = 0;
        let firstStart = 0;
        for (const s of chosen) {
          const a = wb(this.spanStart[s]!);
          const b = wb(this.spanEnd[s]!);
          covered += b - a;
          if (a < first) {
            first = a;
            firstStart = this.spanStart[s]!;
          }
          last = Math.max(last, b);
        }
        return last - first - covered <= rule.window && !negated(firstStart);
      };
      if (fits())
        for (const concept of rule.concepts) if (!names.includes(concept.name)) names.push(concept.name);
    });
    return names;
  }
}

function grow(from: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(from.length * 2);
  bigger.set(from);
  return bigger;
}
