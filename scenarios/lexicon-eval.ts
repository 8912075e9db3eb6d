import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matcher } from '../bot/features/hotspots';
import { assess, type Model, type TrainingLine, train } from '../bot/features/hotspots';
import { CORPUS_FILE, random } from './corpus/generate';

/**
 * Training and evaluation of the hot-spot model: k-fold cross-validation on the shipped corpus,
 * and the held-out labelled set of tests/features/hotspots (never trained on).
 */

export const MODEL_FILE = fileURLToPath(new URL('../bot/features/hotspots/model.json', import.meta.url));
export const HELD_OUT_FILE = fileURLToPath(
  new URL('../tests/features/hotspots/fixtures/labelled.tsv', import.meta.url),
);
export const OUTSIDER_FILE = fileURLToPath(
  new URL('../tests/features/hotspots/fixtures/outsider.tsv', import.meta.url),
);
export const FOLDS = 5;

export interface LabelledLine {
  line: number;
  expected: string[];
  text: string;
}

/** The held-out set: expected topics, the form to feed (nfc or nfd), the message. */
export function readLabelled(file = HELD_OUT_FILE): LabelledLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((row, i) => ({ row, line: i + 1 }))
    .filter(({ row }) => row.trim() !== '' && !row.startsWith('#'))
    .map(({ row, line }) => {
      const [expected = '', form = '', ...rest] = row.split('\t');
      const text = rest.join('\t');
      if (form !== 'nfc' && form !== 'nfd') throw new Error(`labelled.tsv:${line}: form must be nfc or nfd`);
      return {
        line,
        expected: expected === '-' ? [] : expected.split(','),
        text: text.normalize(form === 'nfd' ? 'NFD' : 'NFC'),
      };
    });
}

/** The shipped corpus: `topics<TAB>text`, as typed (NFD lines stay NFD). */
export function readCorpus(file = CORPUS_FILE): LabelledLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((row, i) => ({ row, line: i + 1 }))
    .filter(({ row }) => row.trim() !== '' && !row.startsWith('#'))
    .map(({ row, line }) => {
      const [topics = '', ...rest] = row.split('\t');
      return { line, expected: topics === '-' ? [] : topics.split(','), text: rest.join('\t') };
    });
}

/** A line of the outsider set: hot or calm, the topics a reader would expect, and which part it is in. */
export interface OutsiderLine {
  line: number;
  hot: boolean;
  topics: string[];
  text: string;
  untuned: boolean;
}

/**
 * The outsider set: `hot|calm<TAB>topics or none<TAB>text`, written as miners write before the
 * lexicon was tuned on it. Lines after `# --- untuned ---` form the untuned part.
 */
export function readOutsider(file = OUTSIDER_FILE): OutsiderLine[] {
  let untuned = false;
  const lines: OutsiderLine[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((row, i) => {
      if (row.startsWith('# --- untuned')) untuned = true;
      if (row.trim() === '' || row.startsWith('#')) return;
      const [label = '', topics = '', ...rest] = row.split('\t');
      if (label !== 'hot' && label !== 'calm')
        throw new Error(`outsider.tsv:${i + 1}: label must be hot or calm`);
      const hot = label === 'hot';
      lines.push({
        line: i + 1,
        hot,
        topics: topics === 'none' ? [] : topics.split(','),
        text: rest.join('\t'),
        untuned,
      });
    });
  return lines;
}

/** Line-level figures, as a cell leader counts: a worry found (any topic), a false alarm, a miss. */
export interface OutsiderScore {
  lines: number;
  precision: number;
  recall: number;
  /** Share of the worries found whose topics include one the line was labelled with. */
  topicAgreement: number;
  falseAlarms: string[];
  misses: string[];
}

export function scoreOutsider(lines: readonly OutsiderLine[], predict: Predictor): OutsiderScore {
  let found = 0;
  let agreeing = 0;
  const falseAlarms: string[] = [];
  const misses: string[] = [];
  for (const { line, hot, topics, text } of lines) {
    const predicted = predict(text);
    if (predicted.length > 0 && !hot) falseAlarms.push(`line ${line}: ${predicted.join(',')}: ${text}`);
    if (predicted.length === 0 && hot) misses.push(`line ${line}: ${topics.join(',')}: ${text}`);
    if (predicted.length > 0 && hot) {
      found++;
      if (predicted.some((t) => topics.includes(t))) agreeing++;
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    lines: lines.length,
    precision: ratio(found, found + falseAlarms.length),
    recall: ratio(found, found + misses.length),
    topicAgreement: ratio(agreeing, found),
    falseAlarms,
    misses,
  };
}

export interface Score {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  mistakes: string[];
}

/** Precision and recall over (line, topic) pairs, optionally for one topic only. */
export function score(
  lines: readonly LabelledLine[],
  predict: (text: string) => readonly string[],
  only?: string,
): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const mistakes: string[] = [];
  for (const { line, expected, text } of lines) {
    const predicted = new Set(predict(text).filter((t) => only === undefined || t === only));
    const wanted = expected.filter((t) => only === undefined || t === only);
    for (const topic of predicted) {
      if (wanted.includes(topic)) truePositives++;
      else {
        falsePositives++;
        mistakes.push(`line ${line}: unexpected ${topic}: ${text}`);
      }
    }
    for (const topic of wanted) {
      if (!predicted.has(topic)) {
        falseNegatives++;
        mistakes.push(`line ${line}: missed ${topic}: ${text}`);
      }
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    precision: ratio(truePositives, truePositives + falsePositives),
    recall: ratio(truePositives, truePositives + falseNegatives),
    truePositives,
    falsePositives,
    falseNegatives,
    mistakes,
  };
}

const toTraining = (lines: readonly LabelledLine[]): TrainingLine[] =>
  lines.map((l) => ({ topics: l.expected, text: l.text }));

export function trainModel(matcher: Matcher, corpus: readonly LabelledLine[]): Model {
  return train(matcher.topicIds, toTraining(corpus));
}

export function writeModel(model: Model, file = MODEL_FILE): void {
  writeFileSync(file, `${JSON.stringify(model.toFile())}\n`);
}

export type Predictor = (text: string) => string[];

export const predictors = (matcher: Matcher, model: Model) => ({
  rules: ((text) => matcher.match(text).map((i) => matcher.topicIds[i]!)) as Predictor,
  combined: ((text) => assess(matcher, model, text).map((a) => matcher.topicIds[a.topic]!)) as Predictor,
});

export interface Evaluation {
  topics: string[];
  /** Cross-validation on the corpus, rules + model, per topic then overall (key ""). */
  folds: Map<string, Score>;
  heldOut: { rules: Map<string, Score>; combined: Map<string, Score> };
  /** The outsider set, rules + model, tuned and untuned parts apart. */
  outsider: { tuned: OutsiderScore; untuned: OutsiderScore };
  corpusLines: number;
  heldOutLines: number;
}

/** Every line's fold, drawn from a fixed seed. */
function foldsOf(count: number): number[] {
  const next = random(7);
  return Array.from({ length: count }, () => Math.floor(next() * FOLDS));
}

export function evaluate(matcher: Matcher, corpus: readonly LabelledLine[], model: Model): Evaluation {
  const topics = [...matcher.topicIds];
  const keys = [...topics, ''];
  const folds = new Map<string, Score>();
  const fold = foldsOf(corpus.length);
  const predictions = new Map<string, string[]>();
  for (let k = 0; k < FOLDS; k++) {
    const trained = trainModel(
      matcher,
      corpus.filter((_, i) => fold[i] !== k),
    );
    const { combined } = predictors(matcher, trained);
    corpus.forEach((line, i) => {
      if (fold[i] === k) predictions.set(line.text, combined(line.text));
    });
  }
  for (const key of keys)
    folds.set(
      key,
      score(corpus, (text) => predictions.get(text) ?? [], key || undefined),
    );
  const heldOut = readLabelled();
  const { rules, combined } = predictors(matcher, model);
  const per = (predict: Predictor) =>
    new Map(keys.map((key) => [key, score(heldOut, predict, key || undefined)]));
  const outsider = readOutsider();
  return {
    topics,
    folds,
    heldOut: { rules: per(rules), combined: per(combined) },
    outsider: {
      tuned: scoreOutsider(
        outsider.filter((l) => !l.untuned),
        combined,
      ),
      untuned: scoreOutsider(
        outsider.filter((l) => l.untuned),
        combined,
      ),
    },
    corpusLines: corpus.length,
    heldOutLines: heldOut.length,
  };
}

const f3 = (value: number) => value.toFixed(3);

/** The figures as the markdown table docs/hotspots.md carries. */
export function formatEvaluation(e: Evaluation): string {
  const rows = [
    `Corpus: ${e.corpusLines} lines, ${FOLDS}-fold cross-validation (rules + model); held-out: tests/features/hotspots/fixtures/labelled.tsv, ${e.heldOutLines} lines (never trained on).`,
    '',
    '| topic | CV precision | CV recall | held-out rules P | held-out rules R | held-out rules + model P | held-out rules + model R |',
    '| ----- | -----------: | --------: | ---------------: | ---------------: | -----------------------: | -----------------------: |',
  ];
  for (const key of [...e.topics, '']) {
    const cv = e.folds.get(key)!;
    const rules = e.heldOut.rules.get(key)!;
    const combined = e.heldOut.combined.get(key)!;
    const heldOut = (s: Score) =>
      s.truePositives + s.falseNegatives + s.falsePositives === 0
        ? ['–', '–']
        : [f3(s.precision), f3(s.recall)];
    rows.push(
      `| ${key || '**overall**'} | ${f3(cv.precision)} | ${f3(cv.recall)} | ${heldOut(rules).join(' | ')} | ${heldOut(combined).join(' | ')} |`,
    );
  }
  rows.push(
    '',
    'Outsider set (tests/features/hotspots/fixtures/outsider.tsv, rules + model, per line: a worry found under any topic):',
    '',
    '| part | lines | precision | recall | topic agreement |',
    '| ---- | ----: | --------: | -----: | --------------: |',
  );
  for (const [part, s] of [
    ['tuned', e.outsider.tuned],
    ['untuned', e.outsider.untuned],
  ] as const)
    rows.push(`| ${part} | ${s.lines} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.topicAgreement)} |`);
  return rows.join('\n');
}
