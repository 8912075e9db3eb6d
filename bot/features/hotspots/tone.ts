import { foldText } from '../../kernel/fold';

/**
 * The tone of a comment — positive, negative or neutral — from a small word list (the hot-spot model
 * has topics, not tone). Text and phrases are folded alike (kernel/fold: no diacritics, lower case),
 * so "khong hai long" counts as "không hài lòng"; the phrases are chosen to stay unambiguous once
 * folded (no bare "chán", which folds like "chân"). Each positive phrase scores +1, each negative
 * one −1; a negator (không, chưa, chẳng, chả, ko, k, not, no) up to two words before a phrase turns
 * it round ("không tốt" is negative, "không tệ" positive). The sign of the sum is the tone. Longer
 * phrases are matched first and their words are not matched again ("không hài lòng" is one phrase).
 * It is a coarse instrument for grouping many comments in a report, never a judgement of one.
 */
export type Tone = 'positive' | 'negative' | 'neutral';
export const TONES: readonly Tone[] = ['positive', 'negative', 'neutral'];

const POSITIVE = [
  'tot',
  'rat tot',
  'hai long',
  'cam on',
  'vui',
  'vui ve',
  'phan khoi',
  'yen tam',
  'tin tuong',
  'hop ly',
  'cong bang',
  'tuyet voi',
  'on dinh',
  'thoai mai',
  'dong tinh',
  'ung ho',
  'kip thoi',
  'tan tinh',
  'chu dao',
  'sach se',
  'an toan',
  'good',
  'great',
  'thanks',
  'thank you',
  'happy',
  'satisfied',
  'fair',
];

const NEGATIVE = [
  'khong hai long',
  'bat man',
  'buc xuc',
  'buc minh',
  'bat cong',
  'thieu minh bach',
  'cham luong',
  'no luong',
  'tru luong',
  'cat giam',
  'qua tai',
  'met moi',
  'kiet suc',
  'lo lang',
  'lo so',
  'nguy hiem',
  'doc hai',
  'o nhiem',
  'te',
  'kem',
  'chan nan',
  'that vong',
  'phan nan',
  'ap luc',
  'ngot ngat',
  'thieu',
  'ban thiu',
  'de doa',
  'bad',
  'unfair',
  'tired',
  'angry',
  'unsafe',
  'worried',
];

const NEGATORS = new Set(['khong', 'chua', 'chang', 'cha', 'ko', 'k', 'kg', 'not', 'no', 'never']);

interface Phrase {
  words: string[];
  sign: 1 | -1;
}

/** Longest first, so a longer phrase wins over the words inside it. */
const PHRASES: Phrase[] = [
  ...POSITIVE.map((p) => ({ words: p.split(' '), sign: 1 as const })),
  ...NEGATIVE.map((p) => ({ words: p.split(' '), sign: -1 as const })),
].sort((a, b) => b.words.length - a.words.length);

/** The score behind the tone: positive phrases minus negative ones, negations turned round. */
export function toneScore(text: string): number {
  const words = foldText(text.normalize('NFC')).split(' ').filter(Boolean);
  const used = new Uint8Array(words.length);
  const found: { at: number; sign: 1 | -1 }[] = [];
  for (const phrase of PHRASES) {
    const length = phrase.words.length;
    for (let i = 0; i + length <= words.length; i++) {
      let same = true;
      for (let j = 0; j < length && same; j++) same = !used[i + j] && words[i + j] === phrase.words[j];
      if (!same) continue;
      for (let j = 0; j < length; j++) used[i + j] = 1;
      found.push({ at: i, sign: phrase.sign });
    }
  }
  // Negation second, once every phrase is known: a word inside a phrase ("nợ" in "nợ lương") negates nothing.
  let score = 0;
  for (const { at, sign } of found) {
    const negated = [at - 1, at - 2].some((w) => w >= 0 && !used[w] && NEGATORS.has(words[w]!));
    score += negated ? -sign : sign;
  }
  return score;
}

export function toneOf(text: string): Tone {
  const score = toneScore(text);
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}
