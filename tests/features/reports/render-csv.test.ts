import { describe, expect, it } from 'vitest';
import { shown } from '../../../bot/features/reports/model';
import { renderCsv } from '../../../bot/features/reports/render-csv';
import { fixtureReport, UNITS } from './fixture';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    else field += c;
  }
  if (field || row.length) throw new Error('last record does not end with CRLF');
  return rows;
}

const WITHHELD = 'không đủ số trả lời để giữ ẩn danh';

describe('renderCsv', () => {
  it('starts with a UTF-8 BOM and has one row per unit and period, every row as wide as the header', () => {
    const csv = renderCsv(fixtureReport(), 'vi');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.slice(1));
    const [header, ...data] = rows;
    expect(header).toHaveLength(17);
    for (const row of data) expect(row).toHaveLength(17);
    expect(header!.slice(0, 6)).toEqual(['Mã đơn vị', 'Đơn vị', 'Kỳ', 'Loại kỳ', 'Từ ngày', 'Đến ngày']);
    // The scope and five units over the quarter, then 5 series × 13 weeks.
    expect(data).toHaveLength(1 + 5 + 5 * 13);
    expect(data[0]).toEqual([
      'CTY',
      'Công ty Than Thống Nhất',
      'quý I/2024',
      'quý',
      '2024-01-01',
      '2024-03-31',
      '240',
      '171',
      '71.3',
      '3.54',
      '-0.17',
      '95.2',
      '71.7',
      '7',
      '3',
      '4',
      '2',
    ]);
    expect(data.slice(1, 6).map((row) => row[0])).toEqual(['PX-KT1', 'PX-DL', 'PX-CD', 'PX-VT', 'P-KT']);
    const week = data.find((row) => row[0] === 'PX-KT1' && row[4] === '2024-03-25');
    expect(week).toEqual([
      'PX-KT1',
      'Phân xưởng Khai thác 1',
      'tuần 25/03–31/03/2024',
      'tuần',
      '2024-03-25',
      '2024-03-31',
      '',
      '',
      '',
      '2.9',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  });

  it('writes withheld cells in words, never as a number, in the period rows and in the trend rows', () => {
    const rows = parseCsv(renderCsv(fixtureReport(), 'vi').slice(1));
    for (const code of ['PX-CD', 'PX-VT']) {
      const row = rows.find((r) => r[0] === code && r[3] === 'quý')!;
      expect(row.slice(7, 11)).toEqual([WITHHELD, WITHHELD, WITHHELD, WITHHELD]);
    }
    const cdWeeks = rows.filter((r) => r[0] === 'PX-CD' && r[3] === 'tuần');
    expect(cdWeeks).toHaveLength(13);
    for (const row of cdWeeks) expect(row[9]).toBe(WITHHELD);
    const gap = rows.find((r) => r[0] === 'PX-DL' && r[4] === '2024-01-15')!;
    expect(gap[9]).toBe(WITHHELD);
    const missing = rows.find((r) => r[0] === 'P-KT' && r[4] === '2024-02-05')!;
    expect(missing[9]).toBe('');
  });

  it('quotes commas, quotes and line breaks, and defuses names that look like formulas', () => {
    const report = fixtureReport();
    report.pulses.units = [
      { ...report.pulses.units[0]!, unit: { ...UNITS.KT1, name: 'Tổ "Lò chợ", ca 1\nca 2' } },
      {
        ...report.pulses.units[1]!,
        unit: { ...UNITS.DL, name: '=HYPERLINK("http://x")' },
        answers: shown(9),
      },
    ];
    const csv = renderCsv(report, 'vi');
    expect(csv).toContain('"Tổ ""Lò chợ"", ca 1\nca 2"');
    const rows = parseCsv(csv.slice(1));
    expect(rows.find((r) => r[0] === 'PX-KT1' && r[3] === 'quý')![1]).toBe('Tổ "Lò chợ", ca 1\nca 2');
    expect(rows.find((r) => r[0] === 'PX-DL' && r[3] === 'quý')![1]).toBe(`'=HYPERLINK("http://x")`);
  });

  it('has English headers and labels in English', () => {
    const rows = parseCsv(renderCsv(fixtureReport(), 'en').slice(1));
    expect(rows[0]!.slice(0, 3)).toEqual(['Unit code', 'Unit', 'Period']);
    expect(rows[1]!.slice(2, 4)).toEqual(['Q1 2024', 'quarter']);
    expect(rows.find((r) => r[0] === 'PX-CD')![7]).toBe('too few answers to keep anonymity');
  });

  it("gives the leaders' verdicts on the scope's row: judged and false alarms", () => {
    const [header, scope, unit] = parseCsv(renderCsv(fixtureReport(), 'vi').slice(1));
    expect(header!.slice(-2)).toEqual(['Lãnh đạo đã đánh giá', 'Báo nhầm']);
    expect(scope!.slice(-2)).toEqual(['4', '2']);
    expect(unit!.slice(-2)).toEqual(['', '']);
  });
});
