import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The lines kept apart from the corpus's templates: the held-out set, never trained on, and the
 * outsider set, whose untuned part is never trained on either.
 */

export const HELD_OUT_FILE = fileURLToPath(
  new URL('../../tests/features/hotspots/fixtures/labelled.tsv', import.meta.url),
);
export const OUTSIDER_FILE = fileURLToPath(
  new URL('../../tests/features/hotspots/fixtures/outsider.tsv', import.meta.url),
);

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

/** A TSV file's rows with their line numbers, without blank and `#` comment lines. */
export function dataRows(file: string): { row: string; line: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((row, i) => ({ row, line: i + 1 }))
    .filter(({ row }) => row.trim() !== '' && !row.startsWith('#'));
}

export interface LabelledLine {
  line: number;
  expected: string[];
  text: string;
}

/** The held-out set: expected topics, the form to feed (nfc or nfd), the message. */
export function readLabelled(file = HELD_OUT_FILE): LabelledLine[] {
  return dataRows(file).map(({ row, line }) => {
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
