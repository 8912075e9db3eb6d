import { describe, expect, it } from 'vitest';
import { parseTerm, type Term } from '../../../bot/features/hotspots/lexicon';
import { Matcher, type MatcherTopic } from '../../../bot/features/hotspots/matcher';
import { foldText } from '../../../bot/kernel/fold';
import { loadScenarioFile } from '../../../scenarios/load';
import { readLabelled, SHIPPED_SCENARIO, score } from './labelled';

const terms = (...list: string[]): Term[] =>
  list.map((raw) => {
    const term = parseTerm(raw);
    if ('error' in term) throw new Error(term.error);
    return term;
  });

const topic = (id: string, list: string[], exclusions: string[] = []): MatcherTopic => ({
  id,
  terms: terms(...list),
  exclusions: terms(...exclusions),
});

const matcher = new Matcher([
  topic('wages', ['nợ lương', 'chậm lương', 'lg chậm', 'chưa dc lương']),
  topic('collective', ['đình công']),
  topic('disaster', ['bão số', '=bão']),
  topic('accident', ['tai nạn', 'sập lò'], ['bảo hiểm tai nạn', 'không có tai nạn']),
  topic('pets', ['=con dế']),
  topic('mixed', ['covid 19', '罢工']),
]);

const topicsOf = (text: string) => matcher.match(text).map((i) => matcher.topicIds[i]);

describe('folding', () => {
  it('folds as DESIGN.md says: NFD, no marks, đ → d, lower case, one separator', () => {
    expect(foldText('Đình  CÔNG!!! … nợ-lương')).toBe('dinh cong no luong');
    expect(foldText('Lương chậm'.normalize('NFD'))).toBe('luong cham');
    expect(foldText('😡nợ😡lương😡')).toBe('no luong');
    const reference = (text: string) =>
      text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    const sample =
      'Ắ Ằ Ẳ Ẵ Ặ ắ ằ ẳ ẵ ặ Ấ Ầ Ẩ Ẫ Ậ Ế Ề Ể Ễ Ệ Ố Ồ Ổ Ỗ Ộ Ớ Ờ Ở Ỡ Ợ Ứ Ừ Ử Ữ Ự Ý Ỳ Ỷ Ỹ Ỵ Đ đ ư ơ Ư Ơ thợ lò 2024';
    expect(foldText(sample)).toBe(reference(sample));
  });
});

describe('the matcher, on Vietnamese as people type it', () => {
  it('matches with and without diacritics, and in decomposed (NFD) input', () => {
    expect(topicsOf('Công ty nợ lương 3 tháng')).toEqual(['wages']);
    expect(topicsOf('cong ty no luong 3 thang')).toEqual(['wages']);
    expect(topicsOf('Công ty nợ lương 3 tháng'.normalize('NFD'))).toEqual(['wages']);
    expect(topicsOf('NỢ LƯƠNG')).toEqual(['wages']);
  });

  it('folds only what the writer did not type', () => {
    expect(topicsOf('Công ty định công bố kết quả')).toEqual([]);
    expect(topicsOf('Công ty định công bố kết quả'.normalize('NFD'))).toEqual([]);
    expect(topicsOf('Anh em chuẩn bị đình công')).toEqual(['collective']);
    expect(topicsOf('anh em chuan bi dinh cong')).toEqual(['collective']);
    expect(topicsOf('bảo số tiền này cho mẹ')).toEqual([]);
    expect(topicsOf('bão số 3 sắp vào')).toEqual(['disaster']);
  });

  it.each([
    // A line typed with marks: its bare words are meant bare.
    ['Lương tháng này ai cũng bảo no luong roi, chán quá', []],
    ['Tháng này công ty no luong cả tổ rồi', []],
    // Typed without marks, or with only a few: folded as before.
    ['cong ty no luong 3 thang roi', ['wages']],
    ['Lương cty no luong 3 thang roi', ['wages']],
    ['Cả tổ bảo công ty nợ lương 3 tháng', ['wages']],
  ])('in a line typed with diacritics, a bare word is meant bare: %s', (text, expected) => {
    expect(topicsOf(text)).toEqual(expected);
  });

  it('judges a candidate on its own words even when separators run on ("bo đi... het")', () => {
    const leaving = new Matcher([topic('morale', ['bỏ đi hết'])]);
    expect(leaving.match('CA 3 an, toàn, khum có SỰ cố j anh em bo đi... het ROI')).toEqual([0]);
    expect(leaving.match('anh em bỏ đi hết rồi')).toEqual([0]);
    expect(leaving.match('anh em bỏ đi hết rồi'.normalize('NFD'))).toEqual([0]);
    expect(leaving.match('anh em bỏ đi hát rồi')).toEqual([]);
  });

  it('treats đ/Đ as a diacritic: Đ matches đ, and d without a stroke only through folding', () => {
    expect(topicsOf('ĐÌNH CÔNG!')).toEqual(['collective']);
    expect(topicsOf('DINH CONG')).toEqual(['collective']);
    expect(topicsOf('Định công')).toEqual([]);
  });

  it('matches teencode as terms, and accepts any marks on a teencode word written without them', () => {
    expect(topicsOf('lg chậm quá ae')).toEqual(['wages']);
    expect(topicsOf('chưa đc lương tháng này')).toEqual(['wages']);
    expect(topicsOf('chua dc luong')).toEqual(['wages']);
  });

  it('matches whole words only', () => {
    expect(topicsOf('nợ lươngg')).toEqual([]);
    expect(topicsOf('chậm lươngthưởng')).toEqual([]);
    expect(topicsOf('xnợ lương')).toEqual([]);
    expect(topicsOf('nợ   lương')).toEqual(['wages']);
    expect(topicsOf('nợ-lương, chậm.lương')).toEqual(['wages']);
  });

  it('keeps diacritics for exact terms', () => {
    expect(topicsOf('con dế nhà em')).toEqual(['pets']);
    expect(topicsOf('con dê nhà em')).toEqual([]);
    expect(topicsOf('con de nha em')).toEqual([]);
    expect(topicsOf('Bão to quá')).toEqual(['disaster']);
    expect(topicsOf('bao giờ về')).toEqual([]);
  });

  it('drops a hit that overlaps an exclusion of its topic, and only that hit', () => {
    expect(topicsOf('Bảo hiểm tai nạn đã đóng')).toEqual([]);
    expect(topicsOf('bao hiem tai nan da dong')).toEqual([]);
    expect(topicsOf('Năm nay không có tai nạn')).toEqual([]);
    expect(topicsOf('bảo hiểm tai nạn chưa đóng mà lại có tai nạn ở lò 3')).toEqual(['accident']);
  });

  it('treats emoji as separators and copes with other scripts and numbers', () => {
    expect(topicsOf('😡nợ lương😡😡')).toEqual(['wages']);
    expect(topicsOf('🔥🔥 sập lò 🔥🔥')).toEqual(['accident']);
    expect(topicsOf('工人罢工 nợ lương')).toEqual(['wages']);
    expect(topicsOf('工人 罢工 ok')).toEqual(['mixed']);
    expect(topicsOf('Covid-19 lại về')).toEqual(['mixed']);
    expect(topicsOf('covid 190')).toEqual([]);
    expect(topicsOf('')).toEqual([]);
  });

  it('reports several topics of one message, and the words that matched', () => {
    expect(topicsOf('Đình công vì nợ lương, lại thêm sập lò')).toEqual(['wages', 'collective', 'accident']);
    const text = 'Anh em ĐÌNH CÔNG rồi';
    const [hit] = matcher.hits(text);
    expect(text.slice(hit!.start, hit!.end)).toBe('ĐÌNH CÔNG');
  });
});

describe('the shipped lexicon, on the labelled set', () => {
  it('has precision ≥ 0.95 and recall ≥ 0.9', async () => {
    const loaded = await loadScenarioFile(SHIPPED_SCENARIO);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const shipped = new Matcher(loaded.scenario.lexicon!.topics);
    const lines = readLabelled();
    expect(lines.length).toBeGreaterThanOrEqual(200);
    expect(lines.some((l) => l.text !== l.text.normalize('NFC'))).toBe(true);
    const result = score(lines, (text) => shipped.match(text).map((i) => shipped.topicIds[i]!));
    expect(result.precision, result.mistakes.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(result.recall, result.mistakes.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('covers every theme of the plan with several phrasings each', async () => {
    const loaded = await loadScenarioFile(SHIPPED_SCENARIO);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const topics = loaded.scenario.lexicon!.topics;
    expect(topics.map((t) => t.id)).toEqual([
      'wages',
      'jobs',
      'safety',
      'accident',
      'collective',
      'disaster',
      'environment',
      'residents',
      'unfair',
      'integrity',
      'rumours',
      'morale',
    ]);
    for (const t of topics) {
      expect(t.terms.length, t.id).toBeGreaterThanOrEqual(15);
      expect(t.playbook.split('\n').filter((l) => /^\d\./.test(l)).length, t.id).toBeGreaterThanOrEqual(3);
    }
    expect(topics.find((t) => t.id === 'accident')!.severity).toBe('critical');
  });
});
