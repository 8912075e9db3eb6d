/** Messages of the runtime every feature shares: refusals, errors, role and unit names. Vietnamese first; English mirrors every key. */
export const vi = {
  'flags.unknown': 'Không có cờ {flag}. Các cờ dùng được: {known}. Không có gì thay đổi.',
  'flags.repeated': 'Cờ {flag} được ghi hai lần: chỉ ghi một lần. Không có gì thay đổi.',
  'flags.missingValue': 'Cờ {flag} cần một giá trị ngay sau nó. Không có gì thay đổi.',
  'flags.notDecimal': 'Giá trị "{value}" của {flag} phải là số thập phân (ví dụ 7). Không có gì thay đổi.',
  'error.unknownCommand': 'Không có lệnh /{command}. Gõ /help để xem các lệnh.',
  'error.forbidden':
    'Bạn không có quyền dùng lệnh /{command} ở đây (cần vai trò {role}). Không có gì thay đổi.',
  'error.forbiddenUnit':
    'Bạn không có quyền dùng lệnh /{command} cho đơn vị này: bạn chỉ dùng được lệnh này cho {units} và các đơn vị trực thuộc. Không có gì thay đổi.',
  'error.groupOnly': 'Lệnh /{command} chỉ dùng trong nhóm chat.',
  'error.dmOnly': 'Lệnh /{command} chỉ dùng trong tin nhắn riêng với bot.',
  'error.unknownUnit': 'Không tìm thấy đơn vị có mã "{code}".',
  'error.unknownUser':
    'Không tìm thấy người dùng "{user}". Người đó cần nhắn tin cho bot hoặc trong một nhóm đã gắn trước.',
  'error.internal': 'Đã có lỗi, thao tác chưa được thực hiện. Vui lòng thử lại sau.',
  'error.staleButton': 'Nút này đã cũ hoặc không còn hiệu lực. Không có gì thay đổi.',
  'dm.menu':
    'Chào bạn 👋 Pulse không đọc tin nhắn thường, nên tin vừa rồi chưa được gửi đi đâu cả. Bạn có thể:\n' +
    '• /gopy NỘI_DUNG — gửi góp ý ẩn danh tới lãnh đạo đơn vị\n' +
    '• bấm nút trên khảo sát trong nhóm để trả lời (ẩn danh)\n' +
    '• /whoami — xem bạn thuộc đơn vị nào\n' +
    '• /help — xem mọi lệnh bạn dùng được',
  'home.greeting': 'Chào {name} 👋 Đây là trang Pulse của riêng bạn.',
  'home.empty':
    'Hiện bạn không có việc gì đang mở: không có khảo sát chờ trả lời, không có chỉ đạo chờ xác nhận. Khi có, chúng sẽ hiện ở đây.',
  'home.footer':
    'Chỉ mình bạn thấy trang này. Câu trả lời khảo sát vẫn ẩn danh: trang không bao giờ hiện bạn đã chọn gì.',
  'home.more': '… và {count} mục khác.',
  'role.admin': 'quản trị',
  'role.leader': 'lãnh đạo đơn vị',
  'role.collaborator': 'cộng tác viên',
  'role.worker': 'người lao động',
  'unit.all': 'toàn tổ chức',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'flags.unknown': 'There is no {flag} flag. The flags are: {known}. Nothing was changed.',
  'flags.repeated': 'The {flag} flag is given twice: give it once. Nothing was changed.',
  'flags.missingValue': 'The {flag} flag needs a value right after it. Nothing was changed.',
  'flags.notDecimal': 'The value "{value}" of {flag} must be a decimal number (e.g. 7). Nothing was changed.',
  'error.unknownCommand': 'There is no /{command} command. Type /help to see the commands.',
  'error.forbidden': 'You may not use /{command} here (it needs the {role} role). Nothing was changed.',
  'error.forbiddenUnit':
    'You may not use /{command} for this unit: you may use it for {units} and the units below only. Nothing was changed.',
  'error.groupOnly': 'The /{command} command works in group chats only.',
  'error.dmOnly': 'The /{command} command works in a private chat with the bot only.',
  'error.unknownUnit': 'No unit has the code "{code}".',
  'error.unknownUser': 'User "{user}" not found. They need to message the bot or a bound group first.',
  'error.internal': 'Something went wrong and nothing was done. Please try again later.',
  'error.staleButton': 'This button is old or no longer valid. Nothing was changed.',
  'dm.menu':
    'Hello 👋 Pulse does not read plain messages, so that one went nowhere. You can:\n' +
    "• /feedback TEXT — send anonymous feedback to your unit's leaders\n" +
    '• tap the buttons of a poll in your group to answer (anonymously)\n' +
    '• /whoami — see which unit you belong to\n' +
    '• /help — see every command you may use',
  'home.greeting': 'Hello {name} 👋 This is your own Pulse page.',
  'home.empty':
    'You have nothing open right now: no poll waiting for your answer, no directive to acknowledge. When there is, it shows here.',
  'home.footer': 'Only you see this page. Poll answers stay anonymous: the page never shows what you chose.',
  'home.more': '… and {count} more.',
  'role.admin': 'admin',
  'role.leader': 'unit leader',
  'role.collaborator': 'collaborator',
  'role.worker': 'worker',
  'unit.all': 'the whole organisation',
};
