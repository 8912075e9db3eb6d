import { FOLD, SEPARATOR } from '../../kernel/fold';

/**
 * The learned second opinion: one logistic regression per topic over hashed features of the
 * folded text — words, word pairs, character trigrams — and the words as typed with diacritics
 * (so "bão" and "bao" stay apart where the writer typed the marks). Pure TypeScript, no network,
 * deterministic: training visits the lines in an order drawn from a fixed seed, so the same
 * corpus gives the same weights. It is trained only from the shipped corpus, never from users'
 * messages.
 */

export const BUCKETS = 1 << 18;
const MASK = BUCKETS - 1;

export interface ModelFile {
  version: 1;
  topics: string[];
  bias: number[];
  /** Sorted bucket numbers that carry a weight, base64 of a little-endian Uint32Array. */
  buckets: string;
  /** Per bucket, one int8 weight per topic (bucket-major), base64; weight = value × scale[topic]. */
  weights: string;
  scale: number[];
}

/** FNV-1a step. */
const mix = (hash: number, code: number) => Math.imul(hash ^ code, 16777619) >>> 0;
const WORD = 0x811c9dc5;
const PAIR = 0x01000193;
const TRIGRAM = 0x2f1d3c4b;
const ACCENTED = 0x5bd1e995;

/** Appends the feature buckets of `text` to `out` (duplicates kept); returns how many. */
export function features(typed: string, out: Int32Array): number {
  const { folded, lower, accented } = FOLD;
  // Composed, so a word typed in NFD has the same accented reading as in NFC.
  const text = typed.normalize('NFC');
  let n = 0;
  let word = WORD;
  let marked = ACCENTED;
  let hasMark = false;
  let previous = -1;
  let inWord = false;
  // Trigram window over folded code units with one separator between words and at both ends.
  let c1 = 32;
  let c2 = 32;
  const push = (bucket: number) => {
    if (n < out.length) out[n++] = bucket & MASK;
  };
  const endWord = () => {
    push(word);
    if (hasMark) push(marked);
    if (previous >= 0) push(mix(mix(PAIR, previous), word));
    previous = word;
    push(mix(mix(mix(TRIGRAM, c1), c2), 32));
    c1 = c2;
    c2 = 32;
  };
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const f = i < text.length ? folded[code]! : SEPARATOR;
    if (f === SEPARATOR) {
      if (inWord) endWord();
      inWord = false;
      continue;
    }
    if (f === 0xffff) {
      // A combining mark: the writer typed diacritics (NFD).
      marked = mix(marked, code);
      hasMark = true;
      continue;
    }
    if (!inWord) {
      word = WORD;
      marked = ACCENTED;
      hasMark = false;
      inWord = true;
    }
    word = mix(word, f);
    marked = mix(marked, lower[code]!);
    if (accented[code]) hasMark = true;
    push(mix(mix(mix(TRIGRAM, c1), c2), f));
    c1 = c2;
    c2 = f;
  }
  return n;
}

export class Model {
  readonly topics: readonly string[];
  private readonly bias: Float64Array;
  /** bucket-major: weights[bucket * topics + t]. */
  private readonly weights: Float32Array;
  private readonly scratch = new Int32Array(1024);
  private readonly sums: Float64Array;

  constructor(topics: readonly string[], bias: Float64Array, weights: Float32Array) {
    this.topics = topics;
    this.bias = bias;
    this.weights = weights;
    this.sums = new Float64Array(topics.length);
  }

  /** Probability per topic (index into `topics`), written into a reused array. */
  predict(text: string): Float64Array {
    const n = features(text, this.scratch);
    const k = this.topics.length;
    const sums = this.sums;
    sums.set(this.bias);
    const norm = n === 0 ? 0 : 1 / Math.sqrt(n);
    for (let f = 0; f < n; f++) {
      const base = this.scratch[f]! * k;
      for (let t = 0; t < k; t++) sums[t]! += this.weights[base + t]! * norm;
    }
    for (let t = 0; t < k; t++) sums[t] = 1 / (1 + Math.exp(-sums[t]!));
    return sums;
  }

  toFile(): ModelFile {
    const k = this.topics.length;
    const used: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      for (let t = 0; t < k; t++) {
        if (this.weights[b * k + t] !== 0) {
          used.push(b);
          break;
        }
      }
    }
    const scale = this.topics.map((_, t) => {
      let most = 0;
      for (const b of used) most = Math.max(most, Math.abs(this.weights[b * k + t]!));
      return most === 0 ? 1 : most / 127;
    });
    const quantised = new Int8Array(used.length * k);
    used.forEach((b, i) => {
      for (let t = 0; t < k; t++) quantised[i * k + t] = Math.round(this.weights[b * k + t]! / scale[t]!);
    });
    return {
      version: 1,
      topics: [...this.topics],
      bias: [...this.bias].map((v) => Math.round(v * 1e6) / 1e6),
      buckets: Buffer.from(new Uint32Array(used).buffer).toString('base64'),
      weights: Buffer.from(quantised.buffer).toString('base64'),
      scale: scale.map((v) => Number(v.toPrecision(8))),
    };
  }

  static fromFile(file: ModelFile): Model {
    const k = file.topics.length;
    const bytes = Buffer.from(file.buckets, 'base64');
    const buckets = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const raw = Buffer.from(file.weights, 'base64');
    const quantised = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
    const weights = new Float32Array(BUCKETS * k);
    buckets.forEach((b, i) => {
      for (let t = 0; t < k; t++) weights[b * k + t] = quantised[i * k + t]! * file.scale[t]!;
    });
    return new Model(file.topics, Float64Array.from(file.bias), weights);
  }
}

export interface TrainingLine {
  topics: readonly string[];
  text: string;
}

export interface TrainOptions {
  epochs?: number;
  rate?: number;
  l2?: number;
  seed?: number;
}

/** One-vs-rest logistic regression by SGD, lines visited in a seeded order. */
export function train(
  topics: readonly string[],
  lines: readonly TrainingLine[],
  options: TrainOptions = {},
): Model {
  const { epochs = 12, rate = 0.6, l2 = 1e-6, seed = 12 } = options;
  const k = topics.length;
  const index = new Map(topics.map((t, i) => [t, i]));
  const weights = new Float32Array(BUCKETS * k);
  const bias = new Float64Array(k);
  const scratch = new Int32Array(1024);
  const encoded = lines.map((line) => {
    const n = features(line.text, scratch);
    const labels = new Uint8Array(k);
    for (const topic of line.topics) {
      const t = index.get(topic);
      if (t !== undefined) labels[t] = 1;
    }
    return { feats: scratch.slice(0, n), labels, norm: n === 0 ? 0 : 1 / Math.sqrt(n) };
  });
  const order = encoded.map((_, i) => i);
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const step = rate / (1 + epoch * 0.3);
    for (const i of order) {
      const { feats, labels, norm } = encoded[i]!;
      for (let t = 0; t < k; t++) {
        let sum = bias[t]!;
        for (let f = 0; f < feats.length; f++) sum += weights[feats[f]! * k + t]! * norm;
        const gradient = labels[t]! - 1 / (1 + Math.exp(-sum));
        bias[t]! += step * gradient;
        for (let f = 0; f < feats.length; f++) {
          const at = feats[f]! * k + t;
          weights[at] = weights[at]! + step * (gradient * norm - l2 * weights[at]!);
        }
      }
    }
  }
  return new Model(topics, bias, weights);
}
