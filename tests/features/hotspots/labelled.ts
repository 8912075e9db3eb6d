import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHIPPED_SCENARIO = fileURLToPath(new URL('../../../scenarios/2024-dlxh.yaml', import.meta.url));

export interface LabelledLine {
  line: number;
  expected: string[];
  text: string;
}

/** tests/features/hotspots/fixtures/labelled.tsv: expected topics, the form to feed (nfc or nfd), the message. */
export function readLabelled(): LabelledLine[] {
  const file = fileURLToPath(new URL('./fixtures/labelled.tsv', import.meta.url));
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

/** Precision and recall over (line, topic) pairs. */
export function score(lines: readonly LabelledLine[], predict: (text: string) => readonly string[]) {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const mistakes: string[] = [];
  for (const { line, expected, text } of lines) {
    const predicted = new Set(predict(text));
    for (const topic of predicted) {
      if (expected.includes(topic)) truePositives++;
      else {
        falsePositives++;
        mistakes.push(`line ${line}: unexpected ${topic}: ${text}`);
      }
    }
    for (const topic of expected) {
      if (!predicted.has(topic)) {
        falseNegatives++;
        mistakes.push(`line ${line}: missed ${topic}: ${text}`);
      }
    }
  }
  return {
    precision: truePositives / (truePositives + falsePositives),
    recall: truePositives / (truePositives + falseNegatives),
    truePositives,
    falsePositives,
    falseNegatives,
    mistakes,
  };
}
