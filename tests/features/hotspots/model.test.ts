import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assess, loadModel } from '../../../bot/features/hotspots/assess';
import { Matcher } from '../../../bot/features/hotspots/matcher';
import { features, type Model } from '../../../bot/features/hotspots/model';
import { CORPUS_FILE, generateCorpus } from '../../../scenarios/corpus/generate';
import {
  type Evaluation,
  evaluate,
  formatEvaluation,
  MODEL_FILE,
  readCorpus,
  readLabelled,
  readOutsider,
  trainModel,
} from '../../../scenarios/lexicon-eval';
import { loadScenarioFile } from '../../../scenarios/load';
import { SHIPPED_SCENARIO } from './labelled';

let matcher: Matcher;
let model: Model;
let evaluation: Evaluation;
beforeAll(async () => {
  const loaded = await loadScenarioFile(SHIPPED_SCENARIO);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  matcher = new Matcher(loaded.scenario.lexicon!.topics);
  model = loadModel();
  evaluation = evaluate(matcher, readCorpus(), model);
}, 120_000);

describe('the shipped corpus and model', () => {
  it('regenerates the corpus byte for byte from its templates and seed', () => {
    const rows = generateCorpus();
    const file = readFileSync(CORPUS_FILE, 'utf8').split('\n').slice(1, -1);
    expect(file).toEqual(rows.map(([topics, text]) => `${topics}\t${text}`));
    expect(rows.length).toBeGreaterThanOrEqual(3000);
    for (const topic of matcher.topicIds) {
      expect(rows.filter(([t]) => t === topic).length, topic).toBeGreaterThanOrEqual(100);
    }
    expect(rows.filter(([t]) => t === '-').length).toBeGreaterThanOrEqual(1000);
    // Written the ways workers write: no diacritics, NFD, capitals, emoji, one-word lines.
    const texts = rows.map(([, text]) => text);
    expect(texts.filter((t) => t !== t.normalize('NFC')).length).toBeGreaterThan(50);
    expect(texts.filter((t) => /^[\x20-\x7e]+$/.test(t) && /[a-z]{4}/.test(t)).length).toBeGreaterThan(300);
    expect(texts.filter((t) => t === t.toUpperCase() && /[A-Z]/.test(t)).length).toBeGreaterThan(50);
    expect(texts.filter((t) => /\p{Extended_Pictographic}/u.test(t)).length).toBeGreaterThan(100);
    expect(texts.some((t) => !t.includes(' '))).toBe(true);
  });

  it('retrains to exactly the committed model (one command, deterministic)', () => {
    const retrained = trainModel(matcher, readCorpus()).toFile();
    expect(retrained).toEqual(JSON.parse(readFileSync(MODEL_FILE, 'utf8')));
  }, 60_000);

  it('never sees the held-out set: no held-out line is in the corpus', () => {
    const corpus = new Set(readCorpus().map((l) => l.text.normalize('NFC').toLowerCase()));
    const shared = readLabelled().filter((l) => corpus.has(l.text.normalize('NFC').toLowerCase()));
    expect(shared.map((l) => l.text)).toEqual([]);
  });

  it('learns from the tuned outsider lines, never from the untuned part', () => {
    const corpus = new Set(readCorpus().map((l) => l.text.normalize('NFC').toLowerCase()));
    const outsider = readOutsider();
    const known = (l: (typeof outsider)[number]) => corpus.has(l.text.normalize('NFC').toLowerCase());
    // The untuned part measures lines neither the rules nor the model have seen.
    expect(outsider.filter((l) => l.untuned && known(l)).map((l) => l.text)).toEqual([]);
    expect(outsider.filter((l) => l.untuned).length).toBeGreaterThanOrEqual(85);
    // The tuned part is real phrasing the templates lack: the model learns every line of it but
    // those the held-out set also has.
    const heldOut = new Set(readLabelled().map((l) => l.text.normalize('NFC').toLowerCase()));
    const unlearnt = outsider.filter((l) => !l.untuned && !known(l));
    expect(unlearnt.filter((l) => !heldOut.has(l.text.normalize('NFC').toLowerCase()))).toEqual([]);
  });

  it('gives NFC and NFD the same features, and folds what was typed without marks', () => {
    const a = new Int32Array(256);
    const b = new Int32Array(256);
    const n = features('Lương chậm', a);
    expect(features('Lương chậm'.normalize('NFD'), b)).toBe(n);
    expect([...b.slice(0, n)]).toEqual([...a.slice(0, n)]);
  });
});

describe('rules and model together', () => {
  const of = (text: string) =>
    assess(matcher, model, text).map((a) => [matcher.topicIds[a.topic], a.source, a.confidence] as const);

  it('gives each hit a confidence and its source', () => {
    const [hit] = of('tháng này vẫn chưa thấy lương về');
    expect(hit![0]).toBe('wages');
    expect(hit![1]).toBe('both');
    expect(hit![2]).toBeGreaterThan(0.8);
    expect(of('hôm nay trời đẹp')).toEqual([]);
    // Without a model, the rules alone answer, at a rule's confidence.
    expect(assess(matcher, undefined, 'lương chưa về').map((a) => a.source)).toEqual(['rule']);
  });

  it('moves a hit of concepts alone to the topic the model is sure of, and keeps it otherwise', () => {
    const line = 'nhiệt độ lò chợ 35 độ, ae ngất mấy người';
    const byRules = assess(matcher, undefined, line);
    expect(byRules.map((a) => [matcher.topicIds[a.topic], a.terms])).toEqual([['accident', []]]);
    const heat = 'qqzz';
    const taught = trainModel(matcher, [
      ...Array.from({ length: 40 }, (_, i) => ({ line: i, expected: ['safety'], text: `${heat} ${i}` })),
      ...Array.from({ length: 40 }, (_, i) => ({ line: 40 + i, expected: [], text: `ăn cơm chưa ${i}` })),
    ]);
    const moved = assess(matcher, taught, `${heat} ${line}`);
    expect(moved.map((a) => [matcher.topicIds[a.topic], a.source])).toEqual([['safety', 'model']]);
    // A model unsure of every topic leaves the rule's hit where it was.
    const unsure = trainModel(matcher, [
      ...Array.from({ length: 40 }, (_, i) => ({ line: i, expected: [], text: `ăn cơm chưa ${i}` })),
    ]);
    expect(assess(matcher, unsure, line).map((a) => matcher.topicIds[a.topic])).toEqual(['accident']);
  });

  it('raises a lowered hit only when the model agrees', () => {
    expect(of('áp thấp đã tan, sản xuất bình thường')).toEqual([]);
    expect(of('máy bơm lò 3 đã khắc phục xong')).toEqual([]);
  });
});

/** The floors the eval may not go under; the figures themselves must match docs/hotspots.md. */
const FLOORS = {
  // 0.98 until the model learnt the tuned outsider lines (2026-12-07): it answers the generated lines
  // a little differently since (0.981 -> 0.979 precision), and far better on lines it never saw.
  cvPrecision: 0.975,
  cvRecall: 0.98,
  heldOutPrecision: 0.97,
  heldOutRecall: 0.99,
  topic: 0.93,
  // The outsider set, per line (issue 12): the tuned part, and the part tuned only after it was measured.
  outsiderPrecision: 0.99,
  outsiderRecall: 0.99,
  untunedPrecision: 0.98,
  untunedRecall: 0.98,
  // The tuned outsider lines in the corpus, each answered by a model that did not learn it.
  crossValidatedOutsiderPrecision: 0.97,
  crossValidatedOutsiderRecall: 0.97,
};

describe('npm run lexicon -- eval', () => {
  it('stays above the floors, overall and per topic', () => {
    const cv = evaluation.folds.get('')!;
    const heldOut = evaluation.heldOut.combined.get('')!;
    expect(cv.precision).toBeGreaterThanOrEqual(FLOORS.cvPrecision);
    expect(cv.recall).toBeGreaterThanOrEqual(FLOORS.cvRecall);
    expect(heldOut.precision, heldOut.mistakes.join('\n')).toBeGreaterThanOrEqual(FLOORS.heldOutPrecision);
    expect(heldOut.recall, heldOut.mistakes.join('\n')).toBeGreaterThanOrEqual(FLOORS.heldOutRecall);
    const { tuned, untuned } = evaluation.outsider;
    const why = (s: typeof tuned) => [...s.falseAlarms, ...s.misses].join('\n');
    expect(tuned.precision, why(tuned)).toBeGreaterThanOrEqual(FLOORS.outsiderPrecision);
    expect(tuned.recall, why(tuned)).toBeGreaterThanOrEqual(FLOORS.outsiderRecall);
    expect(untuned.precision, why(untuned)).toBeGreaterThanOrEqual(FLOORS.untunedPrecision);
    expect(untuned.recall, why(untuned)).toBeGreaterThanOrEqual(FLOORS.untunedRecall);
    const crossValidated = evaluation.foldsOutsider;
    expect(crossValidated.precision, why(crossValidated)).toBeGreaterThanOrEqual(
      FLOORS.crossValidatedOutsiderPrecision,
    );
    expect(crossValidated.recall, why(crossValidated)).toBeGreaterThanOrEqual(
      FLOORS.crossValidatedOutsiderRecall,
    );
    for (const topic of evaluation.topics) {
      const s = evaluation.folds.get(topic)!;
      expect(s.precision, topic).toBeGreaterThanOrEqual(FLOORS.topic);
      expect(s.recall, topic).toBeGreaterThanOrEqual(FLOORS.topic);
    }
  });

  it('prints exactly the figures docs/hotspots.md shows (a change cannot go unnoticed)', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../../docs/hotspots.md', import.meta.url)), 'utf8');
    const block = docs.split('<!-- eval:start -->')[1]?.split('<!-- eval:end -->')[0]?.trim();
    // Compared cell by cell: the formatter may pad the table's columns.
    const cells = (table: string | undefined) =>
      table
        ?.split('\n')
        .map((row) => row.split('|').map((cell) => cell.trim().replace(/^(:?)-+(:?)$/, '$1-$2')))
        .filter((row) => row.some((cell) => cell !== ''));
    expect(cells(block)).toEqual(cells(formatEvaluation(evaluation)));
  });
});
