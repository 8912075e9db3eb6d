import { describe, expect, it } from 'vitest';
import { Matcher, type MatcherTopic } from '../../../bot/features/hotspots/matcher';
import { withShorthand } from '../../../bot/features/hotspots/shorthand';
import { random } from '../../../scenarios/corpus/generate';
import { readCorpus } from '../../../scenarios/lexicon-eval';
import { loadScenarioFile } from '../../../scenarios/load';
import { readLabelled, SHIPPED_SCENARIO } from './labelled';
import { Matcher as Reference } from './reference/matcher';

/**
 * The matcher against the one it replaced (tests/features/hotspots/reference: the matcher that
 * verified every candidate before resolving, kept here only as the oracle): `match`, `analyse` and
 * `hits` must give identical answers on the shipped corpus, the labelled set, and lines fuzzed the
 * ways workers type (NFD, capitals, no diacritics, teencode, punctuation and emoji, lines run together).
 */

const loaded = await loadScenarioFile(SHIPPED_SCENARIO);
if (!loaded.ok) throw new Error('the shipped scenario is invalid');
const shipped: MatcherTopic[] = loaded.scenario.lexicon!.topics;

const corpus = readCorpus().map((line) => line.text);
const labelled = readLabelled().map((line) => line.text);
const lines = [...corpus, ...labelled];

const TEENCODE: [RegExp, string][] = [
  [/không/g, 'k'],
  [/không/g, 'ko'],
  [/lương/g, 'lg'],
  [/được/g, 'dc'],
  [/được/g, 'đc'],
  [/rồi/g, 'r'],
  [/anh em/g, 'ae'],
  [/chưa/g, 'chua'],
];
const PUNCTUATION = [' ', '  ', ', ', '!!! ', '... ', ' - ', '\t', ' 😡 ', '?', '\u00a0', '/'];

/** One line changed the ways workers write; `next` decides which ways. */
function fuzz(text: string, next: () => number): string {
  let out = text;
  const chance = (p: number) => next() < p;
  for (const [from, to] of TEENCODE) if (chance(0.3)) out = out.replace(from, to);
  if (chance(0.25)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const words = out.split(' ');
  out = words
    .map((word) => {
      let w = word;
      const casing = next();
      if (casing < 0.1) w = w.toUpperCase();
      else if (casing < 0.2) w = w.charAt(0).toUpperCase() + w.slice(1);
      // Some marks dropped inside one word (partly typed diacritics).
      if (chance(0.05))
        w = w
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/, '')
          .normalize('NFC');
      return w;
    })
    .join(' ');
  out = out.replace(/ /g, () => (chance(0.15) ? PUNCTUATION[Math.floor(next() * PUNCTUATION.length)]! : ' '));
  if (chance(0.3)) out = out.normalize('NFD');
  if (chance(0.1)) out = `${out.toUpperCase()}!!!`;
  return out;
}

function fuzzedLines(count: number, seed: number): string[] {
  const next = random(seed);
  const pick = () => lines[Math.floor(next() * lines.length)]!;
  return Array.from({ length: count }, () => {
    const parts = [fuzz(pick(), next)];
    // Lines run together, as in a long chat message.
    while (next() < 0.4) parts.push(fuzz(pick(), next));
    return parts.join(next() < 0.5 ? ' ' : '. ');
  });
}

/** Random words of the lexicon in random order: dense with candidates, windows and negation. */
function lexiconSoup(count: number, seed: number): string[] {
  const next = random(seed);
  const words = [
    ...new Set(
      shipped.flatMap((topic) => [
        ...topic.terms.map((t) => t.text),
        ...topic.exclusions.map((t) => t.text),
        ...(topic.rules?.rules.flatMap((r) => r.concepts.flatMap((c) => c.terms.map((t) => t.text))) ?? []),
        ...(topic.rules?.negation.map((t) => t.text) ?? []),
        ...(topic.rules?.cancel.map((t) => t.text) ?? []),
        ...(topic.rules?.lower.map((t) => t.text) ?? []),
        ...(topic.rules?.contextNegation?.map((t) => t.text) ?? []),
      ]),
    ),
    'anh',
    'em',
    'tháng',
    'này',
    'công',
    'ty',
  ];
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(next() * 12);
    const text = Array.from({ length }, () => words[Math.floor(next() * words.length)]!).join(' ');
    return fuzz(text, next);
  });
}

function compare(topics: MatcherTopic[], texts: readonly string[]) {
  const matcher = new Matcher(topics);
  // The matcher adds the shorthand spellings itself (shorthand.ts); the oracle is given them.
  const reference = new Reference(withShorthand(topics));
  const differences: string[] = [];
  let raised = 0;
  for (const text of texts) {
    const got = matcher.match(text);
    const expected = reference.match(text);
    if (expected.length > 0) raised++;
    const same =
      JSON.stringify(got) === JSON.stringify(expected) &&
      JSON.stringify(matcher.analyse(text)) === JSON.stringify(reference.analyse(text)) &&
      JSON.stringify(matcher.hits(text)) === JSON.stringify(reference.hits(text));
    if (!same) differences.push(text);
  }
  return { differences, raised };
}

describe('the matcher answers as the matcher it replaced', () => {
  it('on every line of the shipped corpus and the labelled set', () => {
    const { differences, raised } = compare(shipped, lines);
    expect(differences).toEqual([]);
    // The comparison means something: many lines raise a topic, many do not.
    expect(raised).toBeGreaterThan(lines.length / 4);
    expect(raised).toBeLessThan(lines.length);
  });

  it('on fuzzed lines: NFD, capitals, no or partial diacritics, teencode, punctuation, lines run together', () => {
    const texts = fuzzedLines(6000, 12);
    const { differences, raised } = compare(shipped, texts);
    expect(differences).toEqual([]);
    expect(raised).toBeGreaterThan(texts.length / 5);
  });

  it('on random soups of the lexicon words (windows, negation, exclusions, context everywhere)', () => {
    const texts = lexiconSoup(6000, 34);
    const { differences, raised } = compare(shipped, texts);
    expect(differences).toEqual([]);
    expect(raised).toBeGreaterThan(texts.length / 5);
  });

  it('on a lexicon where a term is also a concept word, an exclusion and a negating phrase of other topics', () => {
    const term = (text: string, exact = false) => ({ text, exact });
    const rules = (concepts: string[][], window: number) => ({
      rules: [
        { concepts: concepts.map((c, i) => ({ name: `c${i}`, terms: c.map((t) => term(t)) })), window },
      ],
      negation: [term('không'), term('chưa bao giờ')],
      negationScope: 2,
      cancel: [term('diễn tập')],
      lower: [term('đã khắc phục')],
    });
    const topics: MatcherTopic[] = [
      {
        id: 'a',
        terms: [term('nợ lương'), term('=bão')],
        exclusions: [term('không nợ lương')],
        rules: rules(
          [
            ['lương', 'lg'],
            ['chậm', 'nợ'],
          ],
          3,
        ),
      },
      {
        id: 'b',
        terms: [term('lương')],
        exclusions: [term('lương hưu')],
        rules: rules([['nợ'], ['không']], 1),
      },
      {
        id: 'c',
        terms: [term('không')],
        exclusions: [],
        rules: rules([['lg', 'lương'], ['lg', 'chậm'], ['bão']], 4),
      },
    ];
    const next = random(56);
    const words = [
      'nợ',
      'lương',
      'lg',
      'chậm',
      'không',
      'chưa',
      'bao',
      'giờ',
      'diễn',
      'tập',
      'đã',
      'khắc',
      'phục',
      'hưu',
      'bão',
      'Bao',
      'bao',
      'x',
    ];
    const texts = Array.from({ length: 8000 }, () =>
      fuzz(
        Array.from(
          { length: 1 + Math.floor(next() * 10) },
          () => words[Math.floor(next() * words.length)]!,
        ).join(' '),
        next,
      ),
    );
    const { differences, raised } = compare(topics, texts);
    expect(differences).toEqual([]);
    expect(raised).toBeGreaterThan(texts.length / 5);
  });

  it('on many rules of two to four concepts, so the concept masks span several words', () => {
    const next = random(78);
    const concepts = shipped.flatMap((topic) => topic.rules?.rules.flatMap((r) => r.concepts) ?? []);
    const pick = () => concepts[Math.floor(next() * concepts.length)]!;
    const topics: MatcherTopic[] = shipped.map((topic) => ({
      ...topic,
      rules: topic.rules && {
        ...topic.rules,
        rules: Array.from({ length: 6 }, (_, r) => ({
          concepts: Array.from({ length: 2 + ((r + Math.floor(next() * 3)) % 3) }, pick),
          window: 1 + Math.floor(next() * 6),
        })),
      },
    }));
    const rules = topics.reduce((n, t) => n + (t.rules?.rules.length ?? 0), 0);
    expect(rules).toBeGreaterThan(40);
    const texts = [...lexiconSoup(3000, 90), ...fuzzedLines(2000, 91)];
    const { differences, raised } = compare(topics, texts);
    expect(differences).toEqual([]);
    expect(raised).toBeGreaterThan(texts.length / 5);
  });
});
