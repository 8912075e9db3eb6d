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
  // Each word ends with up to four features, so a word's features always fit when it starts.
  const room = out.length - 4;
  let n = 0;
  let word = WORD;
  let marked = ACCENTED;
  let hasMark = false;
  let previous = -1;
  let inWord = false;
  // Trigram window over folded code units with one separator between words and at both ends.
  let c1 = 32;
  let c2 = 32;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const f = i < text.length ? folded[code]! : SEPARATOR;
    if (f === SEPARATOR) {
      if (!inWord) continue;
      inWord = false;
      if (n > room) break;
      out[n++] = word & MASK;
      if (hasMark) out[n++] = marked & MASK;
      if (previous >= 0) out[n++] = mix(mix(PAIR, previous), word) & MASK;
      previous = word;
      out[n++] = mix(mix(mix(TRIGRAM, c1), c2), 32) & MASK;
      c1 = c2;
      c2 = 32;
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
    if (n < out.length) out[n++] = mix(mix(mix(TRIGRAM, c1), c2), f) & MASK;
    c1 = c2;
    c2 = f;
  }
  return n;
}

export class Model {
  readonly topics: readonly string[];
  private readonly bias: Float64Array;
  /**
   * Per bucket, 1 + its row in `rows`, or 0 for a bucket without weight. A few thousand buckets
   * carry weight: a dense table of every bucket's weights (12 MB) made each feature a cache miss.
   */
  private readonly rowOf: Uint16Array | Uint32Array;
  /** Row-major, each row padded to `stride` (a multiple of 4): rows[row * stride + t]. */
  private readonly rows: Float32Array;
  private readonly stride: number;
  private readonly total: Float64Array;
  /** Where each of a message's features' rows starts, for the sum. */
  private readonly starts = new Int32Array(1024);
  private readonly scratch = new Int32Array(1024);
  private readonly sums: Float64Array;

  /** `weights` is bucket-major (weights[bucket * topics + t]), as training writes it. */
  constructor(topics: readonly string[], bias: Float64Array, weights: Float32Array) {
    this.topics = topics;
    this.bias = bias;
    this.sums = new Float64Array(topics.length);
    const k = topics.length;
    const used: number[] = [];
    for (let b = 0; b < BUCKETS; b++)
      for (let t = 0; t < k; t++)
        if (weights[b * k + t] !== 0) {
          used.push(b);
          break;
        }
    this.rowOf = used.length < 0xffff ? new Uint16Array(BUCKETS) : new Uint32Array(BUCKETS);
    this.stride = Math.ceil(k / 4) * 4;
    this.total = new Float64Array(this.stride);
    this.rows = new Float32Array(used.length * this.stride);
    used.forEach((b, row) => {
      this.rowOf[b] = row + 1;
      this.rows.set(weights.subarray(b * k, b * k + k), row * this.stride);
    });
  }

  /** Probability per topic (index into `topics`), written into a reused array. */
  predict(text: string): Float64Array {
    const n = features(text, this.scratch);
    const k = this.topics.length;
    const sums = this.sums;
    const norm = n === 0 ? 0 : 1 / Math.sqrt(n);
    const { rowOf, rows, stride, scratch, starts, total } = this;
    let m = 0;
    for (let f = 0; f < n; f++) {
      const row = rowOf[scratch[f]!]!;
      if (row !== 0) starts[m++] = (row - 1) * stride;
    }
    // Four topics at a time in local sums: V8 keeps them in registers, where one sum per topic in
    // an array was a load and a store per weight (three times slower).
    for (let t = 0; t < stride; t += 4) {
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let j = 0; j < m; j++) {
        const at = starts[j]! + t;
        a += rows[at]!;
        b += rows[at + 1]!;
        c += rows[at + 2]!;
        d += rows[at + 3]!;
      }
      total[t] = a;
      total[t + 1] = b;
      total[t + 2] = c;
      total[t + 3] = d;
    }
    for (let t = 0; t < k; t++) sums[t] = 1 / (1 + Math.exp(-(this.bias[t]! + total[t]! * norm)));
    return sums;
  }

  /** The weights of the buckets that carry any, in bucket order. */
  private used(): { bucket: number; row: number }[] {
    const used: { bucket: number; row: number }[] = [];
    for (let b = 0; b < BUCKETS; b++)
      if (this.rowOf[b] !== 0) used.push({ bucket: b, row: this.rowOf[b]! - 1 });
    return used;
  }

  toFile(): ModelFile {
    const k = this.topics.length;
    const used = this.used();
    const scale = this.topics.map((_, t) => {
      let most = 0;
      for (const { row } of used) most = Math.max(most, Math.abs(this.rows[row * this.stride + t]!));
      return most === 0 ? 1 : most / 127;
    });
    const quantised = new Int8Array(used.length * k);
    used.forEach(({ row }, i) => {
      for (let t = 0; t < k; t++)
        quantised[i * k + t] = Math.round(this.rows[row * this.stride + t]! / scale[t]!);
    });
    return {
      version: 1,
      topics: [...this.topics],
      bias: [...this.bias].map((v) => Math.round(v * 1e6) / 1e6),
      buckets: Buffer.from(new Uint32Array(used.map(({ bucket }) => bucket)).buffer).toString('base64'),
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
