import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The docs render on GitHub: a table row with a stray pipe gains a column, an unclosed code block
// swallows every section after it, a table pasted twice lists each command twice.
const root = join(import.meta.dirname, '..', '..');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Cells of a GFM table row: pipes inside a code span only count when unescaped (GFM splits on them). */
function cells(row: string): number {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).length;
}

function problems(text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  let fence: number | undefined;
  let table: { start: number; columns: number; rows: Set<string> } | undefined;
  // Body rows of every table of the file: a table pasted twice, with a blank line between, is two tables.
  const seen = new Map<string, number>();
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) {
      fence = fence === undefined ? i + 1 : undefined;
      return;
    }
    if (fence !== undefined) {
      if (/^#{1,6} /.test(line))
        found.push(`line ${i + 1}: heading inside the code block opened at line ${fence}`);
      return;
    }
    if (line.trim().startsWith('|')) {
      if (!table) table = { start: i + 1, columns: cells(line), rows: new Set() };
      else if (cells(line) !== table.columns)
        found.push(
          `line ${i + 1}: ${cells(line)} cells, the table at line ${table.start} has ${table.columns}`,
        );
      const key = line.replace(/\s+/g, ' ').trim();
      const header = /^\s*\|[\s|:-]+\|\s*$/.test(lines[i + 1] ?? '');
      if (!/^\|[\s|:-]+\|$/.test(key) && !header) {
        if (table.rows.has(key))
          found.push(`line ${i + 1}: the same row twice in the table at line ${table.start}`);
        else if (seen.has(key)) found.push(`line ${i + 1}: the same row as line ${seen.get(key)}`);
        table.rows.add(key);
        if (!seen.has(key)) seen.set(key, i + 1);
      }
    } else table = undefined;
  });
  if (fence !== undefined) found.push(`line ${fence}: code block never closed`);
  return found;
}

describe('the Markdown documentation renders as written', () => {
  for (const file of files) {
    it(file, () => {
      expect(problems(readFileSync(join(root, file), 'utf8'))).toEqual([]);
    });
  }

  it('catches the faults it is written for', () => {
    expect(problems('| a | b |\n| - | - |\n| `x | y` | z |\n')).toHaveLength(1);
    expect(problems('```\n/report\n## Hot spots\n')).toHaveLength(2);
    expect(problems('| a |\n| - |\n| x |\n| x |\n')).toHaveLength(1);
    expect(problems('| a |\n| - |\n| x |\n\n| a |\n| - |\n| x |\n')).toHaveLength(1);
    expect(problems('| a | b |\n| - | - |\n| `x \\| y` | z |\n```\ncode\n```\n')).toEqual([]);
  });
});
