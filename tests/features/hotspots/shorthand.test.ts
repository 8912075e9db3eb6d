import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../bot/features/hotspots/matcher';
import { MAX_SPELLINGS, shorthandSpellings, withShorthand } from '../../../bot/features/hotspots/shorthand';

const term = (text: string, exact = false) => ({ text, exact });

describe('shorthand spellings of the lexicon', () => {
  it('spells a phrase the ways workers shorten its words, once each, never the phrase itself', () => {
    expect(shorthandSpellings('không an toàn')).toEqual([
      'k an toàn',
      'ko an toàn',
      'kh an toàn',
      'hok an toàn',
      'khum an toàn',
      'hổng an toàn',
    ]);
    expect(shorthandSpellings('nợ lương anh em')).toEqual(['nợ lương ae', 'nợ lg anh em', 'nợ lg ae']);
    expect(shorthandSpellings('Công Ty nợ')).toEqual(['cty nợ']);
    expect(shorthandSpellings('sập lò')).toEqual([]);
    const many = shorthandSpellings('không được người nhiều quá');
    expect(many.length).toBe(MAX_SPELLINGS);
    expect(new Set(many).size).toBe(many.length);
  });

  it('adds them to terms, exclusions, concept words and context, but not to exact terms or negating phrases', () => {
    const [topic] = withShorthand([
      {
        id: 'a',
        terms: [term('nợ lương'), term('không phép', true)],
        exclusions: [term('không nợ lương')],
        rules: {
          rules: [{ window: 3, concepts: [{ name: 'c', terms: [term('không thấy')] }] }],
          negation: [term('không ai')],
          negationScope: 2,
          cancel: [term('không phải lương')],
          lower: [term('đã trả rồi')],
        },
      },
    ]);
    expect(topic!.terms.map((t) => t.text)).toEqual(['nợ lương', 'nợ lg', 'không phép']);
    expect(topic!.terms[1]).toEqual({ text: 'nợ lg', exact: false, as: 'nợ lương' });
    expect(topic!.exclusions.map((t) => t.text)).toContain('ko nợ lg');
    expect(topic!.rules!.rules[0]!.concepts[0]!.terms.map((t) => t.text)).toContain('hok thấy');
    expect(topic!.rules!.negation.map((t) => t.text)).toEqual(['không ai']);
    expect(topic!.rules!.cancel.map((t) => t.text)).toContain('k phải lg');
    expect(topic!.rules!.lower.map((t) => t.text)).toContain('đã trả r');
  });

  it('matches a shorthand spelling and names the term as the admin wrote it', () => {
    const matcher = new Matcher([
      { id: 'wages', terms: [term('nợ lương')], exclusions: [term('không nợ lương')] },
    ]);
    expect(matcher.hits('cty nợ lg 2 tháng r')).toEqual([{ topic: 0, term: 'nợ lương', start: 4, end: 9 }]);
    expect(matcher.hits('NỢ LG')).toEqual([{ topic: 0, term: 'nợ lương', start: 0, end: 5 }]);
    // The exclusion's shorthand removes the hit as the exclusion does.
    expect(matcher.match('cty hok nợ lg ai cả')).toEqual([]);
    expect(matcher.match('cty không nợ lương ai cả')).toEqual([]);
  });
});
