import type { Locale } from '../../kernel/i18n';
import { type Block, reportDocument } from './layout';
import type { SituationReport } from './model';

/** Unit and topic names are data: they must not turn into markup. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1').replace(/\n/g, ' ');
}

function table(block: Extract<Block, { kind: 'table' }>): string[] {
  const line = (cells: string[]) => `| ${cells.map(md).join(' | ')} |`;
  const rule = `|${block.numeric.map((numeric) => (numeric ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(block.header), rule, ...block.rows.map(line)];
}

function render(block: Block): string[] {
  switch (block.kind) {
    case 'heading':
      return [`${block.level === 1 ? '##' : '###'} ${md(block.text)}`];
    case 'paragraph':
      return [md(block.text)];
    case 'bullets':
      return block.items.map((item) => `- ${md(item)}`);
    case 'numbered':
      return block.items.map((item, index) => `${index + 1}. ${md(item)}`);
    case 'table':
      return table(block);
    case 'note':
      return [`_${md(block.text)}_`];
    case 'picture':
      return [];
  }
}

/** The committee's report as Markdown: the title block as a two-column table, then sections I–IV. */
export function renderMarkdown(report: SituationReport, locale: Locale): string {
  const doc = reportDocument(report, locale);
  const { titleBlock: title } = doc;
  const issuer = title.superior ? `${md(title.superior)}<br>**${md(title.body)}**` : `**${md(title.body)}**`;
  const lines = [
    `| ${issuer} | **${md(title.party)}** |`,
    '| :---: | :---: |',
    `| ${md(title.number)} | _${md(title.placeDate)}_ |`,
    '',
    `# ${md(title.title)}`,
    '',
    `**${md(title.subtitle)}**`,
    '',
    ...doc.meta.map((line) => `${md(line)}  `),
  ];
  for (const block of doc.blocks) {
    const rendered = render(block);
    if (rendered.length > 0) lines.push('', ...rendered);
  }
  return `${lines.join('\n')}\n`.normalize('NFC');
}
