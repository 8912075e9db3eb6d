import { describe, expect, it } from 'vitest';
import { toneOf, toneScore } from '../../../bot/features/hotspots';

describe('the tone of a comment (word list)', () => {
  it('reads praise as positive and complaints as negative, with or without diacritics', () => {
    expect(toneOf('Bữa ăn ca tốt, cảm ơn công đoàn')).toBe('positive');
    expect(toneOf('Tháng này bị nợ lương, anh em rất bức xúc')).toBe('negative');
    expect(toneOf('thang nay bi no luong, buc xuc lam')).toBe('negative');
    expect(toneOf('Ca 3 bắt đầu lúc 22 giờ')).toBe('neutral');
    expect(toneOf('')).toBe('neutral');
  });

  it('turns a phrase round after a negator, and reads the longer phrase first', () => {
    expect(toneOf('Nhà ăn không tốt')).toBe('negative');
    expect(toneOf('Bếp ko tệ đâu')).toBe('positive');
    // "không hài lòng" is one negative phrase, not a negated "hài lòng" counted twice.
    expect(toneScore('Tôi không hài lòng')).toBe(-1);
    expect(toneScore('Tôi hài lòng')).toBe(1);
  });

  it('weighs praise against complaints: the sign of the sum decides', () => {
    expect(toneScore('Lương ổn định nhưng ca đêm quá tải, mệt mỏi')).toBe(-1);
    expect(toneOf('Cảm ơn, mọi thứ tốt nhưng hơi thiếu nước uống')).toBe('positive');
    expect(toneOf('Tốt nhưng nguy hiểm')).toBe('neutral');
  });
});
