import { foldText } from '../../kernel/fold';
import { type Automaton, compileAutomaton, SEP } from './automaton';
import type { TopicRules } from './lexicon';
import { completeRules, type StateOutputs, splitOutputs } from './outputs';
import {
  CANCEL,
  CONCEPT,
  CONTEXT_NEGATION,
  CONTEXT_NEGATION_SCOPE,
  collectPatterns,
  compileSpellings,
  EXCLUSION,
  isAccentedLine,
  LINE_ACCENTED,
  LINE_PLAIN,
  LINE_UNREAD,
  LOWERS,
  type MatcherTopic,
  NEEDS_LINE,
  NEGATION,
  type Pattern,
  type Spellings,
  TERM,
  verifyAt,
  wordsBefore,
  wordsBetween,
} from './patterns';
import { withShorthand } from './shorthand';

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
const UNKNOWN = -2;
const INFINITE = 0x7fffffff;
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
  private readonly spellings: Spellings;
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
  private contextList = new Int32Array(32);
  private contextNegationList = new Int32Array(32);
  private readonly chosen = new Int32Array(8);
  private wordsReady = false;
  /** Whether the current line is typed with diacritics: LINE_UNREAD until a check needs it. */
  private line = LINE_UNREAD;
  /** `match`'s unverified outputs: pattern, end, and start once verified (UNKNOWN before, -1: does not stand). */
  private outId = new Int32Array(64);
  private outEnd = new Int32Array(64);
  private outAt = new Int32Array(64);
  /** Chains through the outputs (`outNext`, -1 ends): per topic its terms, per global rule its concepts, the exclusions, the shared phrases. */
  private outNext = new Int32Array(64);
  private readonly termHead: Int32Array;
  private readonly ruleHead: Int32Array;
  private exclusionHead = -1;
  /** `match`: the concept slots present (the masks of `StateOutputs.record`) and those of complete rules, the rules complete in the current text (and their list, to clear), each rule's topic. */
  private readonly present: Int32Array;
  private readonly completeMask: Int32Array;
  private readonly ruleComplete: Uint8Array;
  private readonly completeList: Int32Array;
  private completeCount = 0;
  private readonly ruleTopic: Int32Array;
  private readonly outputs: StateOutputs;
  /** Per pattern × topic: the shared phrase (negation, cancel, lower) applies to the topic. Per topic: its negation scope. */
  private readonly sharedWith: Uint8Array;
  private readonly topicCount: number;
  private readonly scopeOf: Int32Array;
  private sharedHead = -1;
  private keptList = new Int32Array(32);
  /** Per pattern, flat: kind, topic, verification group, concept slot. Per topic: its first global rule. */
  private readonly patternKind: Uint8Array;
  private readonly patternTopic: Int32Array;
  private readonly patternGroup: Int32Array;
  private readonly patternSlot: Int32Array;
  private readonly ruleBase: Int32Array;

  private growLists(spans: number): void {
    const size = Math.max(spans, this.termList.length * 2);
    this.termList = new Int32Array(size);
    this.exclusionList = new Int32Array(size);
    this.negationList = new Int32Array(size);
    this.conceptList = new Int32Array(size);
    this.contextList = new Int32Array(size);
    this.contextNegationList = new Int32Array(size);
  }

  constructor(written: readonly MatcherTopic[]) {
    const topics = withShorthand(written);
    this.topicIds = topics.map((t) => t.id);
    this.rules = topics.map((t) => t.rules);
    this.patterns = collectPatterns(topics);
    this.patternCount = this.patterns.length;
    this.spellings = compileSpellings(this.patterns);
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
    this.ruleBase = Int32Array.from(ruleBase);
    this.termHead = new Int32Array(topics.length);
    this.ruleHead = new Int32Array(rules);
    this.ruleTopic = new Int32Array(rules);
    topics.forEach((t, i) => {
      this.ruleTopic.fill(i, ruleBase[i]!, ruleBase[i]! + (t.rules?.rules.length ?? 0));
    });
    this.topicCount = topics.length;
    this.outputs = splitOutputs(this.automaton, this.patterns, this.patternRule, this.ruleFull);
    this.present = new Int32Array(this.outputs.words);
    this.completeMask = new Int32Array(this.outputs.words);
    this.ruleComplete = new Uint8Array(rules);
    this.completeList = new Int32Array(rules);
    this.scopeOf = Int32Array.from(topics, (t) => t.rules?.negationScope ?? 2);
    this.sharedWith = new Uint8Array(this.patterns.length * topics.length);
    this.patterns.forEach((p, id) => {
      if (p.shared) this.sharedWith.set(p.shared, id * topics.length);
    });
    this.patternKind = Uint8Array.from(this.patterns, (p) => p.kind);
    this.patternTopic = Int32Array.from(this.patterns, (p) => p.topic);
    this.patternGroup = Int32Array.from(this.patterns, (p) => p.group);
    this.patternSlot = Int32Array.from(this.patterns, (p) => Math.max(p.slot, 0));
    const groups = this.patterns.reduce((most, p) => Math.max(most, p.group + 1), 0);
    this.groupEnd = new Int32Array(groups);
    this.groupStart = new Int32Array(groups);
    this.groupStamp = new Int32Array(groups);
  }

  /**
   * Indices of the topics the rules raise (not lowered, not cancelled), ascending; one shared empty
   * array when none. The same answer as `analyse` (its `hit` verdicts), reached lazily: only the
   * candidates that can still decide a topic are verified — a topic's terms until one stands, its
   * exclusions and negating phrases only next to a standing hit, the concepts of a rule only when
   * every concept of the rule has a candidate — and a topic with a cancelling or lowering phrase is
   * given up first.
   */
  match(text: string): readonly number[] {
    const found = this.scan(text);
    if (found === 0) return EMPTY;
    const outputs = this.collect(found);
    if (outputs < 0) return EMPTY;
    this.stamp++;
    let topics: number[] | undefined;
    for (let topic = 0; topic < this.topicLive.length; topic++) {
      if (this.topicLive[topic] && this.raises(text, topic)) {
        topics ??= [];
        topics.push(topic);
      }
    }
    this.clearComplete();
    return topics ?? EMPTY;
  }

  /**
   * Lists every (pattern, end) the candidates stand for, unverified, chained by what `raises` asks
   * about (a topic's terms, a complete rule's concepts, the exclusions, the shared phrases), and
   * marks the topics that may be raised (a term, or a candidate for every concept of a rule:
   * `ruleComplete`). Returns how many, or -1 when no topic may be raised.
   */
  private collect(found: number): number {
    const { shift } = this.automaton;
    const { record, stride, plain, words, ruleWord, ruleShift, ruleFull } = this.outputs;
    const { candidates, termHead, present, topicLive } = this;
    let n = 0;
    let live = false;
    for (let t = 0; t < termHead.length; t++) {
      termHead[t] = -1;
      topicLive[t] = 0;
    }
    for (let w = 0; w < words; w++) present[w] = 0;
    let exclusions = -1;
    let shared = -1;
    for (let c = 0; c < found; c += 2) {
      const base = (candidates[c]! >> shift) * stride;
      const end = candidates[c + 1]!;
      for (let w = 0; w < words; w++) present[w]! |= record[base + w]!;
      const first = record[base + words]!;
      const last = record[base + words + 1]!;
      if (n + last - first > this.outId.length) this.growOutputs(n + last - first);
      const { outId, outEnd, outAt, outNext } = this;
      for (let o = 3 * first; o < 3 * last; o += 3) {
        const kind = plain[o + 1]!;
        outId[n] = plain[o]!;
        outEnd[n] = end;
        outAt[n] = UNKNOWN;
        if (kind === TERM) {
          const topic = plain[o + 2]!;
          outNext[n] = termHead[topic]!;
          termHead[topic] = n;
          topicLive[topic] = 1;
          live = true;
        } else if (kind === EXCLUSION) {
          outNext[n] = exclusions;
          exclusions = n;
        } else {
          outNext[n] = shared;
          shared = n;
        }
        n++;
      }
    }
    this.exclusionHead = exclusions;
    this.sharedHead = shared;
    const complete = completeRules(this.outputs, present, this.completeList);
    const { completeMask } = this;
    for (let w = 0; w < words; w++) completeMask[w] = 0;
    for (let c = 0; c < complete; c++) {
      const g = this.completeList[c]!;
      completeMask[ruleWord[g]!]! |= ruleFull[g]! << ruleShift[g]!;
      this.ruleComplete[g] = 1;
      this.ruleHead[g] = -1;
      topicLive[this.ruleTopic[g]!] = 1;
    }
    this.completeCount = complete;
    if (complete > 0) return this.collectConcepts(found, n);
    return live ? n : -1;
  }

  /** The concept outputs of the complete rules, chained per rule after the `listed` outputs; returns the new count. */
  private collectConcepts(found: number, listed: number): number {
    const { shift } = this.automaton;
    const { record, stride, concepts, words } = this.outputs;
    const { candidates, ruleComplete, ruleHead, completeMask } = this;
    let n = listed;
    for (let c = 0; c < found; c += 2) {
      const base = (candidates[c]! >> shift) * stride;
      let some = 0;
      for (let w = 0; w < words; w++) some |= record[base + w]! & completeMask[w]!;
      if (some === 0) continue;
      const end = candidates[c + 1]!;
      const first = record[base + words + 2]!;
      const last = record[base + words + 3]!;
      if (n + last - first > this.outId.length) this.growOutputs(n + last - first);
      const { outId, outEnd, outAt, outNext } = this;
      for (let o = 2 * first; o < 2 * last; o += 2) {
        const rule = concepts[o + 1]!;
        if (!ruleComplete[rule]) continue;
        outId[n] = concepts[o]!;
        outEnd[n] = end;
        outAt[n] = UNKNOWN;
        outNext[n] = ruleHead[rule]!;
        ruleHead[rule] = n;
        n++;
      }
    }
    return n;
  }

  private growOutputs(needed: number): void {
    while (this.outId.length < needed) {
      this.outId = grow(this.outId);
      this.outEnd = grow(this.outEnd);
      this.outAt = grow(this.outAt);
      this.outNext = grow(this.outNext);
    }
  }

  private clearComplete(): void {
    for (let c = 0; c < this.completeCount; c++) this.ruleComplete[this.completeList[c]!] = 0;
    this.completeCount = 0;
  }

  /** Where output k's words start, verifying it on first use (-1: it does not stand). */
  private at(text: string, k: number): number {
    const known = this.outAt[k]!;
    if (known !== UNKNOWN) return known;
    const id = this.outId[k]!;
    const end = this.outEnd[k]!;
    const group = this.patternGroup[id]!;
    let start: number;
    if (this.groupStamp[group] === this.stamp && this.groupEnd[group] === end)
      start = this.groupStart[group]!;
    else {
      start = this.check(text, end, group);
      this.groupStamp[group] = this.stamp;
      this.groupEnd[group] = end;
      this.groupStart[group] = start;
    }
    this.outAt[k] = start;
    return start;
  }

  /** The rules raise `topic` (what `resolve` calls a `hit`), verifying only what decides it. */
  private raises(text: string, topic: number): boolean {
    const scope = this.scopeOf[topic]!;
    // A cancelling or lowering phrase (not undone by "chưa được", "không phải" right before it): whatever else, not a plain hit.
    for (let k = this.sharedHead; k >= 0; k = this.outNext[k]!) {
      const id = this.outId[k]!;
      const kind = this.patternKind[id]!;
      if ((kind !== CANCEL && kind !== LOWERS) || !this.sharedWith[id * this.topicCount + topic]) continue;
      const start = this.at(text, k);
      if (start >= 0 && !this.negatedBy(text, start, topic, CONTEXT_NEGATION_SCOPE, CONTEXT_NEGATION))
        return false;
    }
    for (let k = this.termHead[topic]!; k >= 0; k = this.outNext[k]!) {
      const start = this.at(text, k);
      if (start < 0 || this.overlapsOutput(text, k, topic, this.exclusionHead)) continue;
      if (!this.negatedBy(text, start, topic, scope)) return true;
    }
    const rules = this.rules[topic]?.rules;
    const base = this.ruleBase[topic]!;
    const count = rules?.length ?? 0;
    for (let r = 0; r < count; r++) {
      const global = base + r;
      if (!this.ruleComplete[global]) continue;
      // The rule's concept candidates that stand, outside exclusions and negating phrases.
      let kept = 0;
      let bits = 0;
      for (let k = this.ruleHead[global]!; k >= 0; k = this.outNext[k]!) {
        if (this.at(text, k) < 0) continue;
        if (
          this.overlapsOutput(text, k, topic, this.exclusionHead) ||
          this.overlapsOutput(text, k, topic, this.sharedHead)
        )
          continue;
        if (kept === this.keptList.length) this.keptList = grow(this.keptList);
        this.keptList[kept++] = k;
        bits |= 1 << this.patternSlot[this.outId[k]!]!;
      }
      if (bits !== this.ruleFull[global]) continue;
      const rule = rules![r]!;
      if (this.fitsOutputs(text, rule.concepts.length, rule.window, kept, 0, topic, scope)) return true;
    }
    return false;
  }

  /**
   * Output k (standing) overlaps a standing output of the chain from `head` that applies to
   * `topic`: an exclusion of the topic, or (the shared chain) one of its negating phrases.
   */
  private overlapsOutput(text: string, k: number, topic: number, head: number): boolean {
    const start = this.outAt[k]!;
    const end = this.outEnd[k]!;
    for (let x = head; x >= 0; x = this.outNext[x]!) {
      if (this.outEnd[x]! <= start) continue;
      const id = this.outId[x]!;
      const kind = this.patternKind[id]!;
      if (
        kind === EXCLUSION
          ? this.patternTopic[id] !== topic
          : kind !== NEGATION || !this.sharedWith[id * this.topicCount + topic]
      )
        continue;
      const other = this.at(text, x);
      if (other >= 0 && other < end) return true;
    }
    return false;
  }

  /** A standing negating phrase of `topic` (of `kind`: of hits, or of context) ends at most `scope` words before `start`. */
  private negatedBy(text: string, start: number, topic: number, scope: number, kind = NEGATION): boolean {
    for (let x = this.sharedHead; x >= 0; x = this.outNext[x]!) {
      const id = this.outId[x]!;
      if (this.patternKind[id] !== kind || !this.sharedWith[id * this.topicCount + topic]) continue;
      const end = this.outEnd[x]!;
      if (end > start || wordsBetween(text, end, start, scope + 1) > scope) continue;
      if (this.at(text, x) >= 0) return true;
    }
    return false;
  }

  /** `fits` over outputs: a span for concept `slot` onwards from `keptList`, within the window, not negated. */
  private fitsOutputs(
    text: string,
    slots: number,
    window: number,
    kept: number,
    slot: number,
    topic: number,
    scope: number,
  ): boolean {
    if (slot === slots) {
      // Word counts over the chosen spans only, not the whole text: spans start and end at words.
      let firstStart = Number.POSITIVE_INFINITY;
      let lastEnd = 0;
      let covered = 0;
      for (let c = 0; c < slots; c++) {
        const k = this.chosen[c]!;
        const start = this.outAt[k]!;
        const end = this.outEnd[k]!;
        covered += wordsBetween(text, start, end, INFINITE);
        if (start < firstStart) firstStart = start;
        if (end > lastEnd) lastEnd = end;
      }
      return (
        wordsBetween(text, firstStart, lastEnd, covered + window + 1) - covered <= window &&
        !this.negatedBy(text, firstStart, topic, scope)
      );
    }
    for (let c = 0; c < kept; c++) {
      const k = this.keptList[c]!;
      if (this.patternSlot[this.outId[k]!] !== slot) continue;
      let clash = false;
      for (let o = 0; o < slot && !clash; o++) {
        const other = this.chosen[o]!;
        clash = this.outAt[k]! < this.outEnd[other]! && this.outAt[other]! < this.outEnd[k]!;
      }
      if (clash) continue;
      this.chosen[slot] = k;
      if (this.fitsOutputs(text, slots, window, kept, slot + 1, topic, scope)) return true;
    }
    return false;
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

  /** `verifyAt`, reading whether the line is accented (once per line) only when the verdict depends on it. */
  private check(text: string, end: number, group: number): number {
    const start = verifyAt(text, end, this.spellings, group, this.line);
    if (start !== NEEDS_LINE) return start;
    this.line = isAccentedLine(text) ? LINE_ACCENTED : LINE_PLAIN;
    return verifyAt(text, end, this.spellings, group, this.line);
  }

  /** The hot loop: returns how many Int32 slots of `candidates` it filled (state, end index pairs). */
  private scan(text: string): number {
    this.line = LINE_UNREAD;
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
    const { shift, outStart, outList } = this.automaton;
    let spans = 0;
    const stamp = ++this.stamp;
    for (let c = 0; c < found; c += 2) {
      const state = this.candidates[c]! >> shift;
      const end = this.candidates[c + 1]!;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const id = outList[o]!;
        const pattern = this.patterns[id]!;
        let start: number;
        if (this.groupStamp[pattern.group] === stamp && this.groupEnd[pattern.group] === end)
          start = this.groupStart[pattern.group]!;
        else {
          start = this.check(text, end, pattern.group);
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
    const { shift, outStart, outList } = this.automaton;
    let live = false;
    let touched = false;
    for (let c = 0; c < found && !live; c += 2) {
      const state = this.candidates[c]! >> shift;
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

  /**
   * Some candidate stands verification (the model's gate), stopping at the first. Words that only
   * undo a context ("không", "chưa được") are everywhere: they do not open the gate.
   */
  private anyVerified(text: string, found: number): boolean {
    const { shift, outStart, outList } = this.automaton;
    for (let c = 0; c < found; c += 2) {
      const state = this.candidates[c]! >> shift;
      const end = this.candidates[c + 1]!;
      for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
        const pattern = this.patterns[outList[o]!]!;
        if (pattern.kind !== CONTEXT_NEGATION && this.check(text, end, pattern.group) >= 0) return true;
      }
    }
    return false;
  }

  /** Some verified span is of the lexicon's vocabulary (`anyVerified` over spans). */
  private someVocabulary(spans: number): boolean {
    for (let s = 0; s < spans; s++)
      if (this.patternKind[this.spanPattern[s]!] !== CONTEXT_NEGATION) return true;
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
      let contexts = 0;
      let contextNegations = 0;
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
          case CANCEL:
          case LOWERS:
            this.contextList[contexts++] = s;
            break;
          case CONTEXT_NEGATION:
            this.contextNegationList[contextNegations++] = s;
        }
      }
      const scope = this.rules[topic]?.negationScope ?? 2;
      let cancel = false;
      let lower = false;
      for (let c = 0; c < contexts; c++) {
        const s = this.contextList[c]!;
        const start = this.spanStart[s]!;
        if (this.negated(text, start, this.contextNegationList, contextNegations, CONTEXT_NEGATION_SCOPE))
          continue;
        if (this.patterns[this.spanPattern[s]!]!.kind === CANCEL) cancel = true;
        else lower = true;
      }
      let termNames: string[] | undefined;
      let raised = false;
      for (let h = 0; h < terms; h++) {
        const s = this.termList[h]!;
        if (this.overlapsAny(s, this.exclusionList, exclusions)) continue;
        if (negations > 0 && this.negated(text, this.spanStart[s]!, this.negationList, negations, scope))
          continue;
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
  private negated(text: string, start: number, list: Int32Array, count: number, scope: number): boolean {
    for (let x = 0; x < count; x++) {
      const end = this.spanEnd[list[x]!]!;
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
        !(negations > 0 && this.negated(text, firstStart, this.negationList, negations, scope))
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
