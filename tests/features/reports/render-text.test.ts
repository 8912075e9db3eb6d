import { describe, expect, it } from 'vitest';
import { NONE, type SituationReport, shown } from '../../../bot/features/reports/model';
import { CHAT_TEXT_LIMIT, renderChatText } from '../../../bot/features/reports/render-text';
import { fixtureReport, largeReport } from './fixture';

const lines = (text: string) => text.split('\n');

describe('renderChatText', () => {
  it('gives the overall picture in Vietnamese: participation, mean and its change, falls', () => {
    const text = renderChatText(fixtureReport(), 'vi');
    expect(lines(text).slice(0, 3)).toEqual([
      '📊 BÁO CÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI',
      'Công ty Than Thống Nhất (CTY) · quý I/2024',
      'Kỳ báo cáo: 01/01/2024–31/03/2024; so với kỳ trước: 01/10/2023–31/12/2023',
    ]);
    expect(text).toContain('• Tham gia: 171/240 lượt (71%)');
    expect(text).toContain('• Điểm tâm trạng trung bình: 3,5/5 (▼ 0,2 so với kỳ trước)');
    expect(text).toContain('• Giảm nhiều nhất: Phân xưởng Khai thác 1 (−0,6), Phân xưởng Đào lò (−0,1)');
    expect(text).toContain('• Phân xưởng Khai thác 1 (PX-KT1): 3,2 (▼ 0,6) · 58 trả lời');
    expect(text).toContain('• Phòng Kỹ thuật – Điều độ (P-KT): 4,0 (▲ 0,2) · 22 trả lời');
  });

  it('writes a withheld unit as "không đủ số trả lời để giữ ẩn danh" with no number, complement included', () => {
    const text = renderChatText(fixtureReport(), 'vi');
    const cd = lines(text).filter((line) => line.includes('PX-CD') && line.includes('Cơ điện'));
    const vt = lines(text).filter((line) => line.includes('PX-VT'));
    expect(cd[0]).toBe('• Phân xưởng Cơ điện (PX-CD): không đủ số trả lời để giữ ẩn danh');
    expect(vt).toEqual(['• Phân xưởng Vận tải (PX-VT): không đủ số trả lời để giữ ẩn danh']);
    expect(text).toContain('Đời sống, nhà ở: không đủ số trả lời để giữ ẩn danh');
    expect(text).not.toMatch(/Giảm nhiều nhất:.*(Cơ điện|Vận tải)/);
  });

  it('summarises hot spots, directives and feedback volumes', () => {
    const text = renderChatText(fixtureReport(), 'vi');
    expect(text).toContain('🔥 Điểm nóng: 7 phát sinh · 6 đã tiếp nhận · 4 đã xử lý xong');
    expect(text).toContain('Thời gian tiếp nhận (trung vị): 35 phút; xử lý xong (trung vị): 1 ngày 4 giờ');
    expect(text).toContain('Còn chưa xử lý xong: nghiêm trọng 1, cao 1, trung bình 1');
    expect(text).toContain('Chủ đề nhiều nhất: Tiền lương, thu nhập (3), An toàn lao động (2), Việc làm (1)');
    expect(text).toContain('Nhóm đã nhận: 40/42 (95%); đã xác nhận đọc: 301/420 (72%)');
    expect(text).toMatch(/Tiếp nhận thấp nhất: Phân xưởng Cơ điện 75% nhận, 42% xác nhận/);
    expect(text).toContain('✉️ Ý kiến ẩn danh: 23');
    expect(text).toContain('⚠️ Cần chú ý:');
    expect(text).toContain('ℹ️ Số liệu dưới 5 câu trả lời');
  });

  it('speaks English when asked', () => {
    const text = renderChatText(fixtureReport(), 'en');
    expect(text).toContain('Công ty Than Thống Nhất (CTY) · Q1 2024');
    expect(text).toContain('Phân xưởng Cơ điện (PX-CD): too few answers to keep anonymity');
    expect(text).toContain('Mean mood score: 3.5/5 (▼ 0.2 vs the previous period)');
    expect(text).not.toContain('không đủ');
  });

  it('stays within one Telegram message for a thousand units, pointing to the full report', () => {
    const text = renderChatText(largeReport(1000), 'vi');
    expect(text.length).toBeLessThanOrEqual(CHAT_TEXT_LIMIT);
    expect(text).toMatch(/… và \d+ đơn vị khác/);
    expect(text).toContain('ℹ️ Số liệu dưới 5 câu trả lời');
  });

  it('says plainly when there was nothing to report, and is a pure function of its input', () => {
    const empty: SituationReport = {
      ...fixtureReport(),
      pulses: {
        ...fixtureReport().pulses,
        polls: 0,
        units: [],
        overall: { invited: 0, answers: NONE, mean: NONE, previousMean: NONE },
      },
      hotspots: {
        ...fixtureReport().hotspots,
        opened: 0,
        acknowledged: 0,
        resolved: 0,
        medianAckMinutes: null,
        medianResolveMinutes: null,
        openBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
        topics: [],
      },
      feedback: { total: NONE, topics: [] },
    };
    const before = structuredClone(empty);
    const text = renderChatText(empty, 'vi');
    expect(text).toContain('Không có đợt khảo sát nào trong kỳ.');
    expect(text).toContain('Không còn điểm nóng nào chưa xử lý xong.');
    expect(text).toContain('Không có ý kiến ẩn danh nào trong kỳ.');
    expect(renderChatText(empty, 'vi')).toBe(text);
    expect(empty).toEqual(before);
  });

  it('shows no change when the previous period had no answers', () => {
    const report = fixtureReport();
    report.pulses.overall = { ...report.pulses.overall, mean: shown(3.5), previousMean: NONE };
    expect(renderChatText(report, 'vi')).toContain('3,5/5 (chưa có kỳ trước để so sánh)');
  });
});
