import type { Term, TopicRules } from './lexicon';
import type { MatcherTopic } from './patterns';

/**
 * How workers shorten words in chat. Every term, exclusion, concept word and context phrase of the
 * lexicon (but the negating phrases, below) also matches with these spellings, so an admin writes
 * "không an toàn" once and "k an toàn", "ko an toàn", "hok an toàn" match as well. A shorthand
 * without marks accepts any the writer typed ("dc" is also "đc"); a phrase spelled with shorthand is
 * reported as the admin wrote it.
 */
export const SHORTHAND: ReadonlyMap<string, readonly string[]> = new Map([
  ['không', ['k', 'ko', 'kh', 'hok', 'khum', 'hổng']],
  ['được', ['dc', 'dk']],
  ['người', ['ng']],
  ['nhiều', ['nhìu']],
  ['thôi', ['thui']],
  ['biết', ['bít', 'bik']],
  ['rồi', ['r', 'rùi']],
  ['quá', ['qá', 'wá']],
  ['với', ['vs']],
  ['gì', ['j']],
  ['lương', ['lg']],
  ['anh em', ['ae']],
  ['công ty', ['cty']],
  ['hợp đồng', ['hđ']],
  ['bảo hiểm', ['bh']],
  ['quản đốc', ['qđ']],
]);

/** At most this many other spellings of one phrase ("không được" alone would have 20). */
export const MAX_SPELLINGS = 12;

/** The other spellings of `text` with shorthand, in a fixed order, at most MAX_SPELLINGS. */
export function shorthandSpellings(text: string): string[] {
  const words = text.normalize('NFC').toLowerCase().split(' ');
  // Each place in the phrase (a word, or two words shortened as one): what may stand there.
  const places: { options: readonly string[] }[] = [];
  for (let i = 0; i < words.length; ) {
    const two = i + 1 < words.length ? SHORTHAND.get(`${words[i]} ${words[i + 1]}`) : undefined;
    const one = SHORTHAND.get(words[i]!);
    if (two) places.push({ options: [`${words[i]} ${words[i + 1]}`, ...two] });
    else places.push({ options: one ? [words[i]!, ...one] : [words[i]!] });
    i += two ? 2 : 1;
  }
  if (places.every((p) => p.options.length === 1)) return [];
  const out: string[] = [];
  const build = (at: number, so: string[]) => {
    if (out.length >= MAX_SPELLINGS) return;
    if (at === places.length) {
      const spelled = so.join(' ');
      if (spelled !== words.join(' ')) out.push(spelled);
      return;
    }
    for (const option of places[at]!.options) build(at + 1, [...so, option]);
  };
  build(0, []);
  return out;
}

function withSpellings(terms: readonly Term[]): Term[] {
  const out: Term[] = [];
  for (const term of terms) {
    out.push(term);
    if (term.exact) continue;
    for (const text of shorthandSpellings(term.text))
      out.push({ text, exact: false, as: term.as ?? term.text });
  }
  return out;
}

/**
 * The topics with every phrase's shorthand spellings added beside it, but for the negating phrases:
 * their spellings are the admin's choice, since a concept word that starts with one is negated by
 * it ("không thấy" negates; "k thấy" is a concept word of pay that has not come).
 */
export function withShorthand(topics: readonly MatcherTopic[]): MatcherTopic[] {
  return topics.map((topic) => {
    const rules: TopicRules | undefined = topic.rules && {
      ...topic.rules,
      rules: topic.rules.rules.map((rule) => ({
        ...rule,
        concepts: rule.concepts.map((concept) => ({ ...concept, terms: withSpellings(concept.terms) })),
      })),
      cancel: withSpellings(topic.rules.cancel),
      lower: withSpellings(topic.rules.lower),
      ...(topic.rules.contextNegation && { contextNegation: withSpellings(topic.rules.contextNegation) }),
    };
    return {
      ...topic,
      terms: withSpellings(topic.terms),
      exclusions: withSpellings(topic.exclusions),
      ...(rules && { rules }),
    };
  });
}
