/** Messages of the in-chat scenario upload. */
export const vi = {
  'scenarioUpload.notAdmin':
    'Chỉ quản trị viên của cả công ty mới gửi được tệp kịch bản cho Pulse. Không có gì thay đổi. Nếu anh chị cần thay đổi, hãy nhờ Đảng ủy / bộ phận tuyên giáo.',
  'scenarioUpload.dmOnly': 'Hãy gửi tệp kịch bản trong tin nhắn riêng với Pulse, không gửi vào nhóm.',
  'scenarioUpload.tooLarge':
    'Tệp kịch bản dài quá: {size} kB, tối đa {max} kB. Không có gì thay đổi. Hãy tách tệp thành nhiều phần (mỗi phần vẫn có version: 1) hoặc dùng lệnh npm run scenario trên máy chủ.',
  'scenarioUpload.notText': 'Tệp {file} không phải văn bản UTF-8 (tệp YAML). Không có gì thay đổi.',
  'scenarioUpload.readFailed':
    'Không tải được tệp {file} từ máy chủ chat. Hãy gửi lại. Không có gì thay đổi.',
  'scenarioUpload.invalid':
    '❌ Tệp {file} có {count} lỗi, chưa thay đổi gì. Sửa các dòng sau rồi gửi lại:\n\n{errors}',
  'scenarioUpload.moreErrors': '… và {count} lỗi nữa',
  'scenarioUpload.plan':
    '📋 Kế hoạch thay đổi của {file} ({count} thay đổi). Giờ theo {timezone}.\n\n{lines}\n\nBấm «Áp dụng» để thực hiện đúng các thay đổi này, hoặc «Huỷ».',
  'scenarioUpload.moreLines': '… và {count} dòng nữa',
  'scenarioUpload.noChanges':
    '✅ {file} hợp lệ và khớp với dữ liệu hiện có: không có gì để áp dụng.\n\n{lines}',
  'scenarioUpload.apply': '✅ Áp dụng',
  'scenarioUpload.cancel': '✖️ Huỷ',
  'scenarioUpload.applied': '✅ Đã áp dụng {file}: {count} thay đổi.',
  'scenarioUpload.cancelled': 'Đã huỷ {file}. Không có gì thay đổi.',
  'scenarioUpload.stale.applied': 'Kế hoạch này đã được áp dụng rồi. Không có gì thay đổi thêm.',
  'scenarioUpload.stale.cancelled': 'Kế hoạch này đã bị huỷ. Không có gì thay đổi. Hãy gửi lại tệp nếu cần.',
  'scenarioUpload.stale.superseded':
    'Kế hoạch này đã cũ: anh chị đã gửi một tệp mới hơn. Không có gì thay đổi. Hãy dùng nút của kế hoạch mới nhất.',
  'scenarioUpload.stale.unknown': 'Không tìm thấy kế hoạch này. Không có gì thay đổi. Hãy gửi lại tệp.',
  'scenarioUpload.changed':
    '⚠️ Dữ liệu đã thay đổi từ lúc lập kế hoạch, nên kế hoạch cũ không còn đúng. Chưa áp dụng gì. Đây là kế hoạch mới:',
  'scenarioUpload.refusedNow': '❌ Không áp dụng được {file} lúc này, chưa thay đổi gì:\n\n{errors}',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'scenarioUpload.notAdmin':
    'Only an organisation-wide admin can send Pulse a scenario file. Nothing was changed. If something needs changing, ask the committee’s admins.',
  'scenarioUpload.dmOnly': 'Send scenario files to Pulse in a private chat, not in a group.',
  'scenarioUpload.tooLarge':
    'The scenario file is too large: {size} kB, at most {max} kB. Nothing was changed. Split it into several files (each with version: 1) or use npm run scenario on the server.',
  'scenarioUpload.notText': 'The file {file} is not UTF-8 text (a YAML file). Nothing was changed.',
  'scenarioUpload.readFailed':
    'The file {file} could not be downloaded from the chat service. Send it again. Nothing was changed.',
  'scenarioUpload.invalid':
    '❌ {file} has {count} error(s); nothing was changed. Fix these lines and send it again:\n\n{errors}',
  'scenarioUpload.moreErrors': '… and {count} more error(s)',
  'scenarioUpload.plan':
    '📋 What {file} would change ({count} change(s)). Times in {timezone}.\n\n{lines}\n\nTap “Apply” to make exactly these changes, or “Cancel”.',
  'scenarioUpload.moreLines': '… and {count} more line(s)',
  'scenarioUpload.noChanges': '✅ {file} is valid and matches what is stored: nothing to apply.\n\n{lines}',
  'scenarioUpload.apply': '✅ Apply',
  'scenarioUpload.cancel': '✖️ Cancel',
  'scenarioUpload.applied': '✅ Applied {file}: {count} change(s).',
  'scenarioUpload.cancelled': 'Cancelled {file}. Nothing was changed.',
  'scenarioUpload.stale.applied': 'This plan was already applied. Nothing more was changed.',
  'scenarioUpload.stale.cancelled':
    'This plan was cancelled. Nothing was changed. Send the file again if needed.',
  'scenarioUpload.stale.superseded':
    'This plan is out of date: you sent a newer file since. Nothing was changed. Use the buttons of the latest plan.',
  'scenarioUpload.stale.unknown': 'This plan cannot be found. Nothing was changed. Send the file again.',
  'scenarioUpload.changed':
    '⚠️ The data changed since this plan was made, so it no longer holds. Nothing was applied. Here is the new plan:',
  'scenarioUpload.refusedNow': '❌ {file} cannot be applied now; nothing was changed:\n\n{errors}',
} as const;
