/** /report: the command that collects a situation report and sends it. */
export const vi = {
  'cmd.report': 'báo cáo tình hình dư luận của một đơn vị',
  'usage.report':
    'Cách dùng: /report [MÃ_ĐƠN_VỊ] [--period week|month|quarter|YYYY-MM-DD..YYYY-MM-DD] [--format md|csv|docx]\n' +
    'Kỳ mặc định: tuần trước (thứ Hai–Chủ nhật). Ví dụ: /report PX-KT1 --period month --format docx',
  'report.noUnit': 'Nhóm này chưa gắn với đơn vị nào và bạn chưa có vai trò ở đơn vị nào: hãy ghi MÃ_ĐƠN_VỊ.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.report': 'situation report of a unit',
  'usage.report':
    'Usage: /report [UNIT_CODE] [--period week|month|quarter|YYYY-MM-DD..YYYY-MM-DD] [--format md|csv|docx]\n' +
    'Default period: last week (Monday–Sunday). Example: /report PX-KT1 --period month --format docx',
  'report.noUnit': 'This group is not bound to a unit and you hold no role on one: give a UNIT_CODE.',
};
