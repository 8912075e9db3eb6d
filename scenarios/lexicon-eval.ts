import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matcher } from '../bot/features/hotspots';
import { assess, type Model, type TrainingLine, train } from '../bot/features/hotspots';
import { CORPUS_FILE, random, tunedOutsiderRows } from './corpus/generate';
import {
  dataRows,
  HELD_OUT_FILE,
  type LabelledLine,
  OUTSIDER_FILE,
  type OutsiderLine,
  readLabelled,
  readOutsider,
} from './corpus/kept-apart';

export { HELD_OUT_FILE, type LabelledLine, OUTSIDER_FILE, type OutsiderLine, readLabelled, readOutsider };

/**
 * Training and evaluation of the hot-spot model: k-fold cross-validation on the shipped corpus,
 * and the held-out labelled set of tests/features/hotspots (never trained on).
 */

export const MODEL_FILE = fileURLToPath(new URL('../bot/features/hotspots/model.json', import.meta.url));
export const FOLDS = 5;

/** The shipped corpus: `topics<TAB>text`, as typed (NFD lines stay NFD). */
export function readCorpus(file = CORPUS_FILE): LabelledLine[] {
  return dataRows(file).map(({ row, line }) => {
    const [topics = '', ...rest] = row.split('\t');
    return { line, expected: topics === '-' ? [] : topics.split(','), text: rest.join('\t') };
  });
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
  /** Cross-validation on the corpus's generated lines, rules + model, per topic then overall (key ""). */
  folds: Map<string, Score>;
  /**
   * The same folds' answers on the corpus lines taken from the tuned outsider part, per line as the
   * outsider set is scored: each is labelled with the one topic a reader expects first, so a second
   * topic the rules rightly raise would count as a false alarm per topic.
   */
  foldsOutsider: OutsiderScore;
  heldOut: { rules: Map<string, Score>; combined: Map<string, Score> };
  /** The outsider set, rules + model, tuned and untuned parts apart. */
  outsider: { tuned: OutsiderScore; untuned: OutsiderScore };
  corpusLines: number;
  generatedLines: number;
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
  const outsider = readOutsider();
  const fromOutsider = new Set(tunedOutsiderRows(outsider).map(([, text]) => text));
  const generated = corpus.filter((l) => !fromOutsider.has(l.text));
  const predicted = (text: string) => predictions.get(text) ?? [];
  for (const key of keys) folds.set(key, score(generated, predicted, key || undefined));
  const foldsOutsider = scoreOutsider(
    corpus
      .filter((l) => fromOutsider.has(l.text))
      .map((l) => ({ ...l, hot: l.expected.length > 0, topics: l.expected, untuned: false })),
    predicted,
  );
  const heldOut = readLabelled();
  const { rules, combined } = predictors(matcher, model);
  const per = (predict: Predictor) =>
    new Map(keys.map((key) => [key, score(heldOut, predict, key || undefined)]));
  return {
    topics,
    folds,
    foldsOutsider,
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
    generatedLines: generated.length,
    heldOutLines: heldOut.length,
  };
}

const f3 = (value: number) => value.toFixed(3);

/** The figures as the markdown table docs/hotspots.md carries. */
export function formatEvaluation(e: Evaluation): string {
  const rows = [
    `Corpus: ${e.corpusLines} lines, ${FOLDS}-fold cross-validation (rules + model), per topic on its ${e.generatedLines} generated lines; held-out: tests/features/hotspots/fixtures/labelled.tsv, ${e.heldOutLines} lines (never trained on).`,
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
    ['tuned, cross-validated', e.foldsOutsider],
    ['untuned', e.outsider.untuned],
  ] as const)
    rows.push(`| ${part} | ${s.lines} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.topicAgreement)} |`);
  return rows.join('\n');
}
