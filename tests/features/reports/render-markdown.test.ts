import { describe, expect, it } from 'vitest';
import { NONE, shown } from '../../../bot/features/reports/model';
import { renderMarkdown } from '../../../bot/features/reports/render-markdown';
import { fixtureReport, UNITS } from './fixture';

/** The cells of a Markdown table row; an escaped \| stays inside its cell. */
const cells = (row: string) =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

describe('renderMarkdown', () => {
  it('is laid out as the committee report: title block, then sections I to IV in order', () => {
    const md = renderMarkdown(fixtureReport(), 'vi');
    const lines = md.split('\n');
    expect(lines[0]).toBe(
      '| ĐẢNG BỘ TẬP ĐOÀN TKV<br>**ĐẢNG ỦY CÔNG TY THAN THỐNG NHẤT** | **ĐẢNG CỘNG SẢN VIỆT NAM** |',
    );
    expect(lines[2]).toContain('_Quảng Ninh, ngày 01 tháng 4 năm 2024_');
    expect(md).toContain('# BÁO CÁO\n\n**Tình hình dư luận xã hội quý I/2024**');
    const headings = lines.filter((line) => line.startsWith('## '));
    expect(headings).toEqual([
      '## I. Tình hình chung',
      '## II. Kết quả nắm bắt dư luận theo chủ đề',
      '## III. Điểm nóng và việc xử lý',
      '## IV. Đề xuất, kiến nghị',
    ]);
  });

  it('marks withheld cells and explains the mark under the table, never printing a number for them', () => {
    const md = renderMarkdown(fixtureReport(), 'vi');
    const row = md.split('\n').find((line) => line.startsWith('| Phân xưởng Cơ điện (PX-CD) | 30 |'));
    expect(row && cells(row)).toEqual([
      'Phân xưởng Cơ điện (PX-CD)',
      '30',
      'ẩn\\*',
      'ẩn\\*',
      'ẩn\\*',
      'ẩn\\*',
      'ẩn\\*',
    ]);
    const complement = md.split('\n').find((line) => line.startsWith('| Phân xưởng Vận tải (PX-VT) | 45 |'));
    expect(complement).toBe('| Phân xưởng Vận tải (PX-VT) | 45 | ẩn\\* | ẩn\\* | ẩn\\* | ẩn\\* | ẩn\\* |');
    expect(md).toContain('_\\* Không đủ số trả lời để giữ ẩn danh: dưới 5 câu trả lời');
    expect(md).toContain('| Đời sống, nhà ở | ẩn\\* |');
  });

  it('derives proposals from the data: open severe hot spots, falling mood, low reach, loud topics', () => {
    const md = renderMarkdown(fixtureReport(), 'vi');
    const section = md.slice(md.indexOf('## IV.'));
    const items = section.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(items[0]).toMatch(/^1\. Còn 1 điểm nóng mức nghiêm trọng và 1 điểm nóng mức cao/);
    expect(items[1]).toMatch(/^2\. Phân xưởng Khai thác 1 \(PX-KT1\): điểm tâm trạng giảm 0,6 \(3,8 → 3,2\)/);
    expect(items[2]).toMatch(/^3\. Phân xưởng Cơ điện \(PX-CD\): 75% nhóm nhận được nhiệm vụ/);
    expect(items[3]).toContain('"Tiền lương, thu nhập" được phản ánh nhiều nhất (10 ý kiến)');
    expect(items[4]).toBe(
      '5. 2 đơn vị chưa công bố được kết quả vì phải giữ ẩn danh: đề nghị tăng cường vận động người lao động tham gia khảo sát.',
    );
  });

  it('proposes nothing alarming when the situation is steady', () => {
    const report = fixtureReport();
    report.pulses.units = report.pulses.units
      .filter((row) => row.answers.kind === 'value')
      .map((row) => ({ ...row, previousMean: row.mean }));
    report.hotspots.openBySeverity = { critical: 0, high: 0, medium: 0, low: 2 };
    report.directives.units = report.directives.units.map((row) => ({
      ...row,
      reachedChats: row.chats,
      acknowledged: row.members,
    }));
    report.feedback = { total: NONE, topics: [] };
    const section = renderMarkdown(report, 'vi').split('## IV.')[1]!;
    expect(section).toContain('1. Tình hình dư luận ổn định, chưa có vấn đề cần kiến nghị');
    expect(section).not.toContain('2. ');
  });

  it('keeps names from turning into markup', () => {
    const report = fixtureReport();
    report.pulses.units[0] = {
      ...report.pulses.units[0]!,
      unit: { ...UNITS.KT1, name: 'Tổ | *Lò chợ* _2_' },
      answers: shown(9),
    };
    const md = renderMarkdown(report, 'vi');
    const row = md.split('\n').find((line) => line.startsWith('| Tổ'))!;
    expect(row).toContain('Tổ \\| \\*Lò chợ\\* \\_2\\_ (PX-KT1)');
    expect(cells(row)).toHaveLength(7);
  });

  it('has an English edition with the same structure', () => {
    const md = renderMarkdown(fixtureReport(), 'en');
    expect(md).toContain('# REPORT\n\n**Public opinion situation, Q1 2024**');
    expect(md).toContain('## IV. Proposals');
    expect(md).toContain('| Phân xưởng Cơ điện (PX-CD) | 30 | withheld\\* |');
  });

  it("shows the leaders' verdicts per topic beside its hot spots, and says what they are", () => {
    const md = renderMarkdown(fixtureReport(), 'vi');
    const lines = md.split('\n');
    expect(lines).toContain('| Chủ đề | Số điểm nóng | Lãnh đạo đã đánh giá | Báo nhầm |');
    const wages = lines.find((line) => line.startsWith('| Tiền lương') && cells(line).length === 4);
    expect(wages && cells(wages).slice(1)).toEqual(['3', '3', '1 (33%)']);
    const jobs = lines.find((line) => line.startsWith('| Việc làm') && cells(line).length === 4);
    expect(jobs && cells(jobs).slice(2)).toEqual(['', '']);
    expect(md).toContain('/keywords review');
    // Without verdicts the table keeps its two columns.
    const plain = renderMarkdown(
      { ...fixtureReport(), hotspots: { ...fixtureReport().hotspots, falseAlarms: [] } },
      'vi',
    );
    expect(plain).toContain('| Chủ đề | Số điểm nóng |\n');
  });
});
