import type { Automaton } from './automaton';
import { CONCEPT, type Pattern } from './patterns';

/**
 * The automaton's outputs per state, laid out for `Matcher.match`. Concept words are everywhere
 * ("người", "chưa") and one word is a concept of many rules, so a line has a few terms but
 * dozens of concept outputs: a state's concepts are therefore also one bit per (rule, concept)
 * in a mask of its record, which a candidate ORs in a few words, and only the rules whose every concept is
 * present have their outputs listed.
 */
export interface StateOutputs {
  /**
   * One record of `stride` Int32s per state, so a candidate reads one cache line: its concept
   * mask (`words` Int32s: concept c of rule g is bit `ruleShift[g] + c` of word `ruleWord[g]`),
   * then the range of its terms, exclusions and shared phrases in `plain` (as k: `plain[3k .. 3k + 2]`
   * = pattern id, kind, topic) and of its concept outputs in `concepts` (`concepts[2k]` = pattern
   * id, `concepts[2k + 1]` = global rule).
   */
  record: Int32Array;
  stride: number;
  words: number;
  plain: Int32Array;
  concepts: Int32Array;
  ruleWord: Int32Array;
  ruleShift: Int32Array;
  /** Per global rule: a bit per concept (`(1 << concepts) - 1`). */
  ruleFull: Int32Array;
  /**
   * Per word w of the mask and rule width k (2, 3, 4 concepts): `ruleStarts[3w + k - 2]` has the bit
   * where each rule of that width starts, and `ruleAtBit[32w + b]` is the rule starting at bit b,
   * so the complete rules of a line are found with a few shifts per word (`completeRules`).
   */
  ruleStarts: Int32Array;
  ruleAtBit: Int32Array;
}

/**
 * Writes the global rules all of whose concepts are in `present` (a line's mask) into `into`,
 * ascending; returns how many. A rule of width k starting at bit b is complete when bits b .. b + k - 1
 * are set: bit b of `present & present >>> 1 & … & present >>> (k - 1)`.
 */
export function completeRules(outputs: StateOutputs, present: Int32Array, into: Int32Array): number {
  const { words, ruleStarts, ruleAtBit } = outputs;
  let count = 0;
  for (let w = 0; w < words; w++) {
    const x = present[w]!;
    if (x === 0) continue;
    const two = x & (x >>> 1);
    const three = two & (x >>> 2);
    const four = three & (x >>> 3);
    let starts =
      (two & ruleStarts[3 * w]!) | (three & ruleStarts[3 * w + 1]!) | (four & ruleStarts[3 * w + 2]!);
    while (starts !== 0) {
      const lowest = starts & -starts;
      into[count++] = ruleAtBit[32 * w + 31 - Math.clz32(lowest)]!;
      starts ^= lowest;
    }
  }
  return count;
}

/** `patternRule[id]`: the global rule of a CONCEPT pattern; `ruleFull[g]`: a bit per concept of rule g. */
export function splitOutputs(
  automaton: Automaton,
  patterns: readonly Pattern[],
  patternRule: Int32Array,
  ruleFull: Int32Array,
): StateOutputs {
  const { stateCount, outStart, outList } = automaton;
  // A rule's concepts (at most 4) never straddle two words of the mask.
  const ruleWord = new Int32Array(ruleFull.length);
  const ruleShift = new Int32Array(ruleFull.length);
  let bit = 0;
  ruleFull.forEach((full, g) => {
    const width = 32 - Math.clz32(full);
    if ((bit & 31) + width > 32) bit = (bit | 31) + 1;
    ruleWord[g] = bit >> 5;
    ruleShift[g] = bit & 31;
    bit += width;
  });
  const words = Math.max(1, Math.ceil(bit / 32));
  const ruleStarts = new Int32Array(3 * words);
  const ruleAtBit = new Int32Array(32 * words).fill(-1);
  ruleFull.forEach((full, g) => {
    const width = 32 - Math.clz32(full);
    ruleStarts[3 * ruleWord[g]! + width - 2]! |= 1 << ruleShift[g]!;
    ruleAtBit[32 * ruleWord[g]! + ruleShift[g]!] = g;
  });
  let stride = 8;
  while (stride < words + 4) stride *= 2;
  const record = new Int32Array(stateCount * stride);
  const plain: number[] = [];
  const concepts: number[] = [];
  for (let state = 0; state < stateCount; state++) {
    const base = stride * state;
    record[base + words] = plain.length / 3;
    record[base + words + 2] = concepts.length / 2;
    for (let o = outStart[state]!; o < outStart[state + 1]!; o++) {
      const id = outList[o]!;
      const pattern = patterns[id]!;
      if (pattern.kind === CONCEPT) {
        const rule = patternRule[id]!;
        record[base + ruleWord[rule]!]! |= 1 << (ruleShift[rule]! + pattern.slot);
        concepts.push(id, rule);
      } else plain.push(id, pattern.kind, pattern.topic);
    }
    record[base + words + 1] = plain.length / 3;
    record[base + words + 3] = concepts.length / 2;
  }
  return {
    record,
    stride,
    words,
    plain: Int32Array.from(plain),
    concepts: Int32Array.from(concepts),
    ruleWord,
    ruleShift,
    ruleFull,
    ruleStarts,
    ruleAtBit,
  };
}
