import { FOLD, MARK, SEPARATOR } from '../../../../bot/kernel/fold';

/** Character classes; the letters and digits some term uses come after these. */
export const SEP = 0;
const SKIP = 1;
const OTHER = 2;

/**
 * The terms' folded spellings (words joined by one space) as one Aho–Corasick automaton over a
 * small alphabet — separator, combining mark, "other letter", then each folded letter or digit the
 * terms use — stored as a dense transition table: `delta[state + class]` is the next state,
 * premultiplied by the alphabet size and negated when that state ends a pattern. Every pattern is
 * SEP word SEP … SEP, so matches are whole words; runs of separators and combining marks are
 * self-loops (never flagged), so a scan needs no folded copy of the text.
 */
export interface Automaton {
  /** UTF-16 code unit → class; it folds as it classifies (ệ, E, e + U+0302 + U+0323 → the class of e). */
  classOf: Uint16Array;
  delta: Int32Array;
  /** The alphabet size: `delta` holds `stateCount × size` entries. */
  size: number;
  /** The state after the separator that precedes every text. */
  start: number;
  stateCount: number;
  /** Patterns ending at state s (not premultiplied): outList[outStart[s] .. outStart[s + 1]). */
  outStart: Int32Array;
  outList: Int32Array;
}

/** `folded[i]` is pattern i's folded spelling, words joined by one space. */
export function compileAutomaton(folded: readonly string[]): Automaton {
  const alphabet = new Map<number, number>();
  for (const text of folded) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 32 && !alphabet.has(code)) alphabet.set(code, OTHER + 1 + alphabet.size);
    }
  }
  const size = OTHER + 1 + alphabet.size;
  const classOf = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    const f = FOLD.folded[code]!;
    classOf[code] = f === MARK ? SKIP : f === SEPARATOR ? SEP : (alphabet.get(f) ?? OTHER);
  }
  const trie = buildTrie(folded, alphabet, size);
  const { delta, outStart, outList } = buildAutomaton(trie, size);
  const start = Math.abs(delta[SEP]!);
  return { classOf, delta, size, start, stateCount: trie.count, outStart, outList };
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
