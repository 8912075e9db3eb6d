import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderDocx } from '../../../bot/features/reports/render-docx';
import { fixtureReport } from './fixture';

/** The visible text of each paragraph, table row and table of a WordprocessingML body. */
function texts(xml: string, element: 'w:p' | 'w:tr' | 'w:tbl'): string[] {
  const pattern = new RegExp(`<${element}[ >][\\s\\S]*?</${element}>`, 'g');
  return (xml.match(pattern) ?? []).map((part) =>
    [...part.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1]!)).join(''),
  );
}

function cellsOf(row: string): string[] {
  return [...row.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((cell) =>
    [...cell[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1]!)).join(''),
  );
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

let bytes: Uint8Array;
let xml: string;

beforeAll(async () => {
  bytes = await renderDocx(fixtureReport(), 'vi');
  const files = unzipSync(bytes);
  xml = strFromU8(files['word/document.xml']!);
});

describe('renderDocx', () => {
  it('is a Word package that opens: zip signature, content types and the document part', () => {
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml']),
    );
    expect(strFromU8(files['[Content_Types].xml']!)).toContain('wordprocessingml.document.main+xml');
    expect(xml.startsWith('<?xml')).toBe(true);
  });

  it('has the title block: the committees on the left, the Party and the place and date on the right', () => {
    const [titleBlock] = xml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/) ?? [];
    expect(titleBlock && cellsOf(titleBlock)).toEqual([
      'ĐẢNG BỘ TẬP ĐOÀN TKVĐẢNG ỦY CÔNG TY THAN THỐNG NHẤT*Số:       -BC/ĐU',
      'ĐẢNG CỘNG SẢN VIỆT NAMQuảng Ninh, ngày 01 tháng 4 năm 2024',
    ]);
    const paragraphs = texts(xml, 'w:p');
    const title = paragraphs.indexOf('BÁO CÁO');
    expect(title).toBeGreaterThan(0);
    expect(paragraphs[title + 1]).toBe('Tình hình dư luận xã hội quý I/2024');
  });

  it('follows the Markdown structure: sections I to IV with their tables', () => {
    const paragraphs = texts(xml, 'w:p');
    const headings = paragraphs.filter((p) => /^(I|II|III|IV)\. /.test(p));
    expect(headings).toEqual([
      'I. TÌNH HÌNH CHUNG',
      'II. KẾT QUẢ NẮM BẮT DƯ LUẬN THEO CHỦ ĐỀ',
      'III. ĐIỂM NÓNG VÀ VIỆC XỬ LÝ',
      'IV. ĐỀ XUẤT, KIẾN NGHỊ',
    ]);
    // Title block, mood, directives, pulse topics, feedback, hot spots per unit, per topic, notable, signature.
    expect(texts(xml, 'w:tbl')).toHaveLength(9);
    expect(paragraphs).toContain(
      '2. Phân xưởng Khai thác 1 (PX-KT1): điểm tâm trạng giảm 0,6 (3,8 → 3,2): đề nghị chi bộ tổ chức đối thoại với người lao động để nắm nguyên nhân.',
    );
    expect(paragraphs).toContain('T/M ĐẢNG ỦY');
  });

  it('withholds the unit with too few answers and its complement in the tables', () => {
    const rows = (xml.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? []).map(cellsOf);
    const cd = rows.find((cells) => cells[0] === 'Phân xưởng Cơ điện (PX-CD)');
    const vt = rows.find((cells) => cells[0] === 'Phân xưởng Vận tải (PX-VT)');
    expect(cd).toEqual(['Phân xưởng Cơ điện (PX-CD)', '30', 'ẩn*', 'ẩn*', 'ẩn*', 'ẩn*', 'ẩn*']);
    expect(vt).toEqual(['Phân xưởng Vận tải (PX-VT)', '45', 'ẩn*', 'ẩn*', 'ẩn*', 'ẩn*', 'ẩn*']);
    expect(texts(xml, 'w:p').some((p) => p.startsWith('* Không đủ số trả lời để giữ ẩn danh'))).toBe(true);
  });

  it("has the leaders' verdicts per topic in the hot-spot topics table", () => {
    const rows = (xml.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? []).map(cellsOf);
    expect(rows).toContainEqual(['Chủ đề', 'Số điểm nóng', 'Lãnh đạo đã đánh giá', 'Báo nhầm']);
    expect(rows).toContainEqual(['Thiên tai, bão lũ', '1', '1', '1 (100%)']);
  });

  it('stores Vietnamese in NFC', () => {
    expect(xml).toBe(xml.normalize('NFC'));
    expect(xml).toContain('Đào lò');
  });
});
