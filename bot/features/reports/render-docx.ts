import {
  AlignmentType,
  Document,
  ImageRun,
  type IRunOptions,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Locale } from '../../kernel/i18n';
import { heatMapPng } from './heat-themes';
import { type Block, type ReportDocument, reportDocument } from './layout';
import type { SituationReport } from './model';

/** Administrative documents are set in Times New Roman 13–14 pt on A4 (sizes are half-points). */
const FONT = 'Times New Roman';
const BODY = 26;
const TABLE_TEXT = 22;
const TITLE = 28;
/** Word measures pages in twentieths of a point. */
const mm = (millimetres: number) => Math.round(millimetres * 56.7);

type RunStyle = Pick<IRunOptions, 'bold' | 'italics' | 'size' | 'underline'>;

function line(
  text: string,
  style: RunStyle = {},
  alignment?: (typeof AlignmentType)[keyof typeof AlignmentType],
) {
  return new Paragraph({
    alignment,
    spacing: { after: 60 },
    children: [new TextRun({ text, font: FONT, size: BODY, ...style })],
  });
}

const CELL_MARGINS = { top: 40, bottom: 40, left: 80, right: 80 };
const HEADER_SHADING = { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' };
/** A4 less the margins below: the width tables share out between their columns. */
const TEXT_WIDTH = mm(210 - 30 - 15);

/** Two borderless columns, each a list of centred lines: the title block and the signature block. */
function twoColumns(left: Paragraph[], right: Paragraph[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: [Math.round(TEXT_WIDTH * 0.45), Math.round(TEXT_WIDTH * 0.55)],
    borders: TableBorders.NONE,
    margins: CELL_MARGINS,
    rows: [
      new TableRow({ children: [new TableCell({ children: left }), new TableCell({ children: right })] }),
    ],
  });
}

/** The first column (units, topics) takes a third of the width (of two, 60 %); the figures share the rest. */
function columnWidths(count: number): number[] {
  if (count === 1) return [TEXT_WIDTH];
  const first = Math.round(TEXT_WIDTH * (count === 2 ? 0.6 : 1 / 3));
  const rest = Math.floor((TEXT_WIDTH - first) / (count - 1));
  return [first, ...Array<number>(count - 1).fill(rest)];
}

function titleBlock(doc: ReportDocument): (Paragraph | Table)[] {
  const title = doc.titleBlock;
  const center = AlignmentType.CENTER;
  const left = [
    ...(title.superior ? [line(title.superior, {}, center)] : []),
    line(title.body, { bold: true }, center),
    line('*', {}, center),
    line(title.number, {}, center),
  ];
  const right = [
    line(title.party, { bold: true, underline: {} }, center),
    line(title.placeDate, { italics: true }, center),
  ];
  return [
    twoColumns(left, right),
    new Paragraph({ spacing: { before: 240 }, children: [] }),
    line(title.title, { bold: true, size: TITLE + 4 }, center),
    line(title.subtitle, { bold: true, size: TITLE }, center),
    line('-----', {}, center),
    ...doc.meta.map((text) => line(text, { italics: true })),
  ];
}

function table(block: Extract<Block, { kind: 'table' }>): Table {
  const row = (cells: string[], header: boolean) =>
    new TableRow({
      tableHeader: header,
      children: cells.map(
        (text, index) =>
          new TableCell({
            shading: header ? HEADER_SHADING : undefined,
            children: [
              new Paragraph({
                alignment: block.numeric[index] && !header ? AlignmentType.RIGHT : AlignmentType.LEFT,
                children: [new TextRun({ text, size: TABLE_TEXT, bold: header })],
              }),
            ],
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: columnWidths(block.header.length),
    margins: CELL_MARGINS,
    rows: [row(block.header, true), ...block.rows.map((cells) => row(cells, false))],
  });
}

/** Pictures of the report, drawn once per file: 1080 px wide, set at the text width. */
type Pictures = Partial<Record<Extract<Block, { kind: 'picture' }>['picture'], Uint8Array>>;

/** The PNG's own size, from its IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function picture(block: Extract<Block, { kind: 'picture' }>, pictures: Pictures): Paragraph[] {
  const png = pictures[block.picture];
  if (!png) return [];
  const { width, height } = pngSize(png);
  // 16 cm of text width at 96 dpi is about 605 px.
  const shown = 600;
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 120 },
      children: [
        new ImageRun({
          type: 'png',
          data: png,
          transformation: { width: shown, height: Math.round((height * shown) / width) },
          altText: { name: block.alt, title: block.alt, description: block.alt },
        }),
      ],
    }),
  ];
}

function blockContent(block: Block, pictures: Pictures): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [
        new Paragraph({
          spacing: { before: 240, after: 120 },
          keepNext: true,
          children: [
            new TextRun({
              text: block.level === 1 ? block.text.toLocaleUpperCase('vi') : block.text,
              font: FONT,
              size: BODY,
              bold: true,
              italics: block.level === 2,
            }),
          ],
        }),
      ];
    case 'paragraph':
      return [line(block.text, {}, AlignmentType.JUSTIFIED)];
    case 'bullets':
      return block.items.map((item) => line(`- ${item}`, {}, AlignmentType.JUSTIFIED));
    case 'numbered':
      return block.items.map((item, index) => line(`${index + 1}. ${item}`, {}, AlignmentType.JUSTIFIED));
    case 'table':
      return [table(block), new Paragraph({ spacing: { after: 60 }, children: [] })];
    case 'note':
      return [line(block.text, { italics: true, size: TABLE_TEXT })];
    case 'picture':
      return picture(block, pictures);
  }
}

function signature(doc: ReportDocument): Table {
  const { signature: sign } = doc;
  const left = [
    line(sign.recipients, { bold: true, italics: true, size: 24 }),
    ...sign.recipientsList.map((text) => line(text, { size: TABLE_TEXT })),
  ];
  const right = [
    line(sign.signFor, { bold: true }, AlignmentType.CENTER),
    line(sign.signHint, { italics: true }, AlignmentType.CENTER),
  ];
  return twoColumns(left, right);
}

/** The Word file the committee prints and files: title block, sections I–IV, signature block. */
export async function renderDocx(report: SituationReport, locale: Locale): Promise<Uint8Array> {
  const doc = reportDocument(report, locale);
  const heatmap = heatMapPng(report, locale);
  const pictures: Pictures = heatmap ? { heatmap } : {};
  const document = new Document({
    creator: 'Pulse',
    title: `${doc.titleBlock.title} — ${doc.titleBlock.subtitle}`,
    styles: { default: { document: { run: { font: FONT, size: BODY } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) },
          },
        },
        children: [
          ...titleBlock(doc),
          ...doc.blocks.flatMap((block) => blockContent(block, pictures)),
          new Paragraph({ spacing: { before: 360 }, children: [] }),
          signature(doc),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
