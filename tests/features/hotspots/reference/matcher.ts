import type { TopicRules } from '../../../../bot/features/hotspots/lexicon';
import { foldText } from '../../../../bot/kernel/fold';
import { type Automaton, compileAutomaton, SEP } from './automaton';
import {
  CANCEL,
  CONCEPT,
  CONTEXT_NEGATION,
  collectPatterns,
  EXCLUSION,
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
const SOME_VOCABULARY: Analysis = Object.freeze({
  verdicts: [],
  cancelled: [],
  vocabulary: true,
}) as Analysis;

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
  /** Per global rule: the concepts it needs (bit per concept) and those present in the current text. */
  private readonly ruleFull: Int32Array;
  private readonly ruleBits: Int32Array;
  /** Per pattern: its global rule (CONCEPT), else -1. */
  private readonly patternRule: Int32Array;
  /** Per topic: some term or complete rule in the current text (only those are resolved). */
  private readonly topicLive: Uint8Array;
  /** Scratch lists of span indices for `resolve`, and the spans a rule has chosen. */
  private termList = new Int32Array(32);
  private exclusionList = new Int32Array(32);
  private negationList = new Int32Array(32);
  private conceptList = new Int32Array(32);
  private readonly chosen = new Int32Array(8);
  private wordsReady = false;

  private growLists(spans: number): void {
    const size = Math.max(spans, this.termList.length * 2);
    this.termList = new Int32Array(size);
    this.exclusionList = new Int32Array(size);
    this.negationList = new Int32Array(size);
    this.conceptList = new Int32Array(size);
  }

  constructor(topics: readonly MatcherTopic[]) {
    this.topicIds = topics.map((t) => t.id);
    this.rules = topics.map((t) => t.rules);
    this.patterns = collectPatterns(topics);
    this.patternCount = this.patterns.length;
    this.automaton = compileAutomaton(this.patterns.map((p) => foldText(p.joined)));
    this.stateCount = this.automaton.stateCount;
    // Global rule numbers, so a span can mark its concept present without a lookup.
    const ruleBase: number[] = [];
    let rules = 0;
    for (const t of topics) {
      ruleBase.push(rules);
      rules += t.rules?.rules.length ?? 0;
    }
    this.ruleFull = new Int32Array(rules);
    this.ruleBits = new Int32Array(rules);
    topics.forEach((t, i) => {
      t.rules?.rules.forEach((rule, r) => {
        this.ruleFull[ruleBase[i]! + r] = (1 << rule.concepts.length) - 1;
      });
    });
    this.patternRule = Int32Array.from(this.patterns, (p) =>
      p.kind === CONCEPT ? ruleBase[p.topic]! + p.rule : -1,
    );
    this.topicLive = new Uint8Array(topics.length);
    const groups = this.patterns.reduce((most, p) => Math.max(most, p.group + 1), 0);
    this.groupEnd = new Int32Array(groups);
    this.groupStart = new Int32Array(groups);
    this.groupStamp = new Int32Array(groups);
  }

  /** Indices of the topics the rules raise (not lowered, not cancelled), ascending; one shared empty array when none. */
  match(text: string): readonly number[] {
    const found = this.scan(text);
    if (found === 0 || !this.mayBeLive(found)) return EMPTY;
    const spans = this.verify(text, found);
    if (spans === 0 || !this.markLive(spans)) return EMPTY;
    const topics: number[] = [];
    if (spans > this.termList.length) this.growLists(spans);
    for (const verdict of this.resolve(text, spans, false).verdicts) {
      if (verdict.strength === 'hit') topics.push(verdict.topic);
    }
    return topics.length === 0 ? EMPTY : topics;
  }

  /** Every topic the rules raise or lower, with the terms and concepts that matched. */
  analyse(text: string): Analysis {
    const found = this.scan(text);
    if (found === 0) return NOTHING;
    if (!this.mayBeLive(found)) return this.anyVerified(text, found) ? SOME_VOCABULARY : NOTHING;
    const spans = this.verify(text, found);
    if (!this.someVocabulary(spans)) return NOTHING;
    if (!this.markLive(spans)) return SOME_VOCABULARY;
    if (spans > this.termList.length) this.growLists(spans);
    return this.resolve(text, spans, true);
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

  /**
   * `markLive` over the unverified candidates: verification only removes spans, so when no topic
   * could be live even before it (the common line: concept words of no complete rule, "người",
   * "chưa"), nothing needs verifying at all.
   */
  private mayBeLive(found: number): boolean {
    const { size, outStart, outList } = this.automaton;
    let live = false;
    let touched = false;
    for (let c = 0; c < found && !live; c += 2) {
      const state = (this.candidates[c]! / size) | 0;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const id = outList[o]!;
        const pattern = this.patterns[id]!;
        if (pattern.kind === TERM) {
          live = true;
          break;
        }
        const rule = this.patternRule[id]!;
        if (rule < 0) continue;
        touched = true;
        this.ruleBits[rule]! |= 1 << pattern.slot;
        if (this.ruleBits[rule] === this.ruleFull[rule]) {
          live = true;
          break;
        }
      }
    }
    if (touched) this.ruleBits.fill(0);
    return live;
  }

  /** Some candidate stands verification (the model's gate), stopping at the first. */
  private anyVerified(text: string, found: number): boolean {
    const { size, outStart, outList } = this.automaton;
    for (let c = 0; c < found; c += 2) {
      const state = (this.candidates[c]! / size) | 0;
      const end = this.candidates[c + 1]!;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const pattern = this.patterns[outList[o]!]!;
        if (pattern.kind !== CONTEXT_NEGATION && verifyAt(text, end, pattern) >= 0) return true;
      }
    }
    return false;
  }

  /** Words that only undo a context ("không", "chưa được") do not open the model's gate. */
  private someVocabulary(spans: number): boolean {
    for (let s = 0; s < spans; s++)
      if (this.patterns[this.spanPattern[s]!]!.kind !== CONTEXT_NEGATION) return true;
    return false;
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

  /**
   * Marks the topics that may be raised — some term, or every concept of some rule, present — and
   * says whether there is any. Most lines with candidates have concept words of no complete rule
   * ("người", "anh em"): they stop here, without allocating.
   */
  private markLive(spans: number): boolean {
    let live = false;
    this.topicLive.fill(0);
    for (let s = 0; s < spans; s++) {
      const id = this.spanPattern[s]!;
      const pattern = this.patterns[id]!;
      if (pattern.kind === TERM) {
        this.topicLive[pattern.topic] = 1;
        live = true;
      } else if (pattern.kind === CONCEPT) this.ruleBits[this.patternRule[id]!]! |= 1 << pattern.slot;
    }
    for (let s = 0; s < spans; s++) {
      const id = this.spanPattern[s]!;
      const rule = this.patternRule[id]!;
      if (rule < 0) continue;
      if (this.ruleBits[rule] === this.ruleFull[rule]) {
        this.topicLive[this.patterns[id]!.topic] = 1;
        live = true;
      }
    }
    for (let s = 0; s < spans; s++) {
      const rule = this.patternRule[this.spanPattern[s]!]!;
      if (rule >= 0) this.ruleBits[rule] = 0;
    }
    return live;
  }

  /** From the verified spans to per-topic verdicts: exclusions, negation, concept windows, context. */
  private resolve(text: string, spans: number, detail: boolean): Analysis {
    let verdicts: TopicVerdict[] | undefined;
    let cancelled: number[] | undefined;
    this.wordsReady = false;
    for (let topic = 0; topic < this.topicLive.length; topic++) {
      if (!this.topicLive[topic]) continue;
      // Sort this topic's spans by kind into the scratch lists.
      let terms = 0;
      let exclusions = 0;
      let negations = 0;
      let concepts = 0;
      const contexts: number[] = [];
      const contextNegations: number[] = [];
      for (let s = 0; s < spans; s++) {
        const pattern = this.patterns[this.spanPattern[s]!]!;
        if (pattern.topic !== topic && !pattern.shared?.[topic]) continue;
        switch (pattern.kind) {
          case TERM:
            this.termList[terms++] = s;
            break;
          case EXCLUSION:
            this.exclusionList[exclusions++] = s;
            break;
          case NEGATION:
            this.negationList[negations++] = s;
            break;
          case CONCEPT:
            this.conceptList[concepts++] = s;
            break;
          case CONTEXT_NEGATION:
            contextNegations.push(s);
            break;
          default:
            contexts.push(s);
        }
      }
      const scope = this.rules[topic]?.negationScope ?? 2;
      // A context phrase right after a context negation (no word between) does not count.
      const standing = contexts.filter(
        (s) =>
          !contextNegations.some(
            (x) =>
              this.spanEnd[x]! <= this.spanStart[s]! &&
              this.wordAt(text, this.spanStart[s]!) === this.wordAt(text, this.spanEnd[x]!),
          ),
      );
      const cancel = standing.some((s) => this.patterns[this.spanPattern[s]!]!.kind === CANCEL);
      const lower =
        standing.length > 0 && !standing.every((s) => this.patterns[this.spanPattern[s]!]!.kind === CANCEL);
      let termNames: string[] | undefined;
      let raised = false;
      for (let h = 0; h < terms; h++) {
        const s = this.termList[h]!;
        if (this.overlapsAny(s, this.exclusionList, exclusions)) continue;
        if (negations > 0 && this.negated(text, this.spanStart[s]!, negations, scope)) continue;
        raised = true;
        if (!detail) break;
        const name = this.patterns[this.spanPattern[s]!]!.text;
        termNames ??= [];
        if (!termNames.includes(name)) termNames.push(name);
      }
      // Concept words inside an exclusion or a negating phrase do not count.
      let kept = 0;
      for (let c = 0; c < concepts; c++) {
        const s = this.conceptList[c]!;
        if (
          this.overlapsAny(s, this.exclusionList, exclusions) ||
          this.overlapsAny(s, this.negationList, negations)
        )
          continue;
        this.conceptList[kept++] = s;
      }
      const conceptNames =
        kept > 0 && (detail || !raised)
          ? this.matchRules(text, topic, kept, negations, scope, detail)
          : NO_NAMES;
      if (!raised && conceptNames.length === 0) continue;
      if (cancel) {
        cancelled ??= [];
        cancelled.push(topic);
        continue;
      }
      verdicts ??= [];
      verdicts.push({
        topic,
        strength: lower ? 'lowered' : 'hit',
        terms: termNames ?? [],
        concepts: conceptNames === NO_NAMES ? [] : [...conceptNames],
      });
    }
    if (!verdicts && !cancelled) return SOME_VOCABULARY;
    return { verdicts: verdicts ?? [], cancelled: cancelled ?? [], vocabulary: true };
  }

  private overlapsAny(s: number, list: Int32Array, count: number): boolean {
    for (let x = 0; x < count; x++) if (this.overlap(s, list[x]!)) return true;
    return false;
  }

  /** Number of words that start before code unit `at` (computed once per text, when first needed). */
  private wordAt(text: string, at: number): number {
    if (!this.wordsReady) {
      this.words = wordsBefore(text, this.words);
      this.wordsReady = true;
    }
    return this.words[at]!;
  }

  /** A negating phrase ends at most `scope` words before `start`. */
  private negated(text: string, start: number, negations: number, scope: number): boolean {
    for (let x = 0; x < negations; x++) {
      const end = this.spanEnd[this.negationList[x]!]!;
      if (end <= start && this.wordAt(text, start) - this.wordAt(text, end) <= scope) return true;
    }
    return false;
  }

  /**
   * The concept names of the topic's rules that some choice of non-overlapping concept spans
   * (the first `kept` of `conceptList`) satisfies; without `detail`, stops at the first.
   */
  private matchRules(
    text: string,
    topic: number,
    kept: number,
    negations: number,
    scope: number,
    detail: boolean,
  ): readonly string[] {
    const rules = this.rules[topic]?.rules;
    if (!rules) return NO_NAMES;
    let names: string[] | undefined;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (!this.fits(text, topic, r, rule.concepts.length, rule.window, kept, 0, negations, scope)) continue;
      if (!detail) return MATCHED;
      names ??= [];
      for (const concept of rule.concepts) if (!names.includes(concept.name)) names.push(concept.name);
    }
    return names ?? NO_NAMES;
  }

  /** Chooses a span for concept `slot` onwards (chosen ones in `chosen[0 .. slot)`) and checks the window. */
  private fits(
    text: string,
    topic: number,
    rule: number,
    slots: number,
    window: number,
    kept: number,
    slot: number,
    negations: number,
    scope: number,
  ): boolean {
    if (slot === slots) {
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      let covered = 0;
      let firstStart = 0;
      for (let c = 0; c < slots; c++) {
        const s = this.chosen[c]!;
        const a = this.wordAt(text, this.spanStart[s]!);
        const b = this.wordAt(text, this.spanEnd[s]!);
        covered += b - a;
        if (a < first) {
          first = a;
          firstStart = this.spanStart[s]!;
        }
        if (b > last) last = b;
      }
      return (
        last - first - covered <= window &&
        !(negations > 0 && this.negated(text, firstStart, negations, scope))
      );
    }
    for (let c = 0; c < kept; c++) {
      const s = this.conceptList[c]!;
      const pattern = this.patterns[this.spanPattern[s]!]!;
      if (pattern.topic !== topic || pattern.rule !== rule || pattern.slot !== slot) continue;
      let clash = false;
      for (let o = 0; o < slot && !clash; o++) clash = this.overlap(s, this.chosen[o]!);
      if (clash) continue;
      this.chosen[slot] = s;
      if (this.fits(text, topic, rule, slots, window, kept, slot + 1, negations, scope)) return true;
    }
    return false;
  }
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const MATCHED: readonly string[] = Object.freeze(['*']);

function grow(from: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(from.length * 2);
  bigger.set(from);
  return bigger;
}
