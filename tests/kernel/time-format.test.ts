import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDayMonth } from '../../bot/kernel/time';

const VN = 'Asia/Ho_Chi_Minh';

describe('the one date form', () => {
  it('is "HH:mm dd/MM/yyyy" in the organisation time zone, the year always written', () => {
    // 19:20 UTC on 1 December is 02:20 on 2 December in Việt Nam (UTC+7).
    const at = new Date('2026-12-01T19:20:00Z');
    expect(formatDateTime(at, VN)).toBe('02:20 02/12/2026');
    expect(formatDate(at, VN)).toBe('02/12/2026');
    expect(formatDayMonth(at, VN)).toBe('02/12');
    expect(formatDateTime(at, 'UTC')).toBe('19:20 01/12/2026');
    expect(formatDateTime(new Date('2027-01-05T01:05:00Z'), VN)).toBe('08:05 05/01/2027');
  });
});
