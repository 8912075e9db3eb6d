/** /report: the command that collects a situation report and sends it. */
export const vi = {
  'cmd.report': 'báo cáo tình hình dư luận của một đơn vị',
  'usage.report':
    'Cách dùng: /report [MÃ_ĐƠN_VỊ] [--period today|week|month|quarter|last-week|last-month|last-quarter|YYYY-MM-DD..YYYY-MM-DD] [--format md|csv|docx]\n' +
    'Kỳ mặc định: tuần này tính đến hôm nay (từ thứ Hai), so với cùng các ngày của tuần trước. ' +
    'today/week/month/quarter: hôm nay, tuần, tháng, quý này đến nay; last-…: kỳ trọn vẹn trước đó. ' +
    'Ví dụ: /report PX-KT1 --period last-month --format docx',
  'report.periodReversed': 'Kỳ báo cáo bị ngược: {from} sau {to}. Hãy ghi ngày bắt đầu trước.',
  'report.periodInvalid': 'Kỳ {period} không phải hai ngày có thật (YYYY-MM-DD..YYYY-MM-DD).',
  'report.periodTooLong': 'Kỳ báo cáo dài nhất {max} ngày.',
  'report.periodYears': 'Ngày của kỳ báo cáo phải trong các năm {min}–{max}.',
  'report.noUnit': 'Nhóm này chưa gắn với đơn vị nào và bạn chưa có vai trò ở đơn vị nào: hãy ghi MÃ_ĐƠN_VỊ.',
  'report.privateIntro': '📊 Báo cáo bạn yêu cầu trong nhóm, gửi riêng cho bạn:',
  'report.sentPrivately': 'Đã gửi báo cáo vào tin nhắn riêng của bạn (báo cáo không đăng trong nhóm).',
  'report.openDmFirst':
    'Pulse chưa nhắn riêng được cho bạn: hãy mở tin nhắn riêng với Pulse rồi gõ lại /report. Báo cáo không đăng trong nhóm.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.report': 'situation report of a unit',
  'usage.report':
    'Usage: /report [UNIT_CODE] [--period today|week|month|quarter|last-week|last-month|last-quarter|YYYY-MM-DD..YYYY-MM-DD] [--format md|csv|docx]\n' +
    'Default period: this week so far (from Monday, today included), against the same days of last week. ' +
    'today/week/month/quarter: the current one so far; last-…: the last complete one. ' +
    'Example: /report PX-KT1 --period last-month --format docx',
  'report.periodReversed': 'The period is reversed: {from} is after {to}. Give the start date first.',
  'report.periodInvalid': 'The period {period} is not two real dates (YYYY-MM-DD..YYYY-MM-DD).',
  'report.periodTooLong': 'A report period is at most {max} days.',
  'report.periodYears': 'The dates of a report period must be in the years {min}–{max}.',
  'report.noUnit': 'This group is not bound to a unit and you hold no role on one: give a UNIT_CODE.',
  'report.privateIntro': '📊 The report you asked for in the group, sent to you privately:',
  'report.sentPrivately': 'The report is in your private chat with Pulse (reports are not posted in groups).',
  'report.openDmFirst':
    'Pulse cannot message you privately yet: open a private chat with Pulse and type /report again. Reports are not posted in groups.',
};
