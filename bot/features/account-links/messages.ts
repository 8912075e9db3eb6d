/** Messages of /linkaccount (one person across platforms). Vietnamese first; English mirrors every key. */
export const vi = {
  'cmd.linkaccount': 'liên kết tài khoản Telegram, Slack, Zalo của bạn',
  'usage.linkaccount':
    'Cách dùng: /linkaccount [MÃ] — không có mã: lấy mã liên kết; rồi ở nền tảng kia gửi /linkaccount MÃ (trên Slack: /pulse linkaccount MÃ). Ví dụ: /linkaccount 7KQ2M9XA',
  'linkaccount.code':
    'Mã liên kết của bạn: {code}\nTrong {minutes} phút, mở Pulse trên nền tảng kia và gửi: /linkaccount {code}\n(trên Slack: /pulse linkaccount {code}).\nĐừng đưa mã này cho ai: ai có mã sẽ dùng chung vai trò của bạn.',
  'linkaccount.sentPrivately': 'Pulse đã gửi mã liên kết riêng cho bạn.',
  'linkaccount.openDmFirst':
    'Pulse chưa nhắn riêng được cho bạn. Hãy mở cuộc trò chuyện riêng với Pulse rồi gửi /linkaccount ở đó.',
  'linkaccount.confirm':
    'Liên kết tài khoản {platform} này với {name}?\nSau khi liên kết, các tài khoản dùng chung một hồ sơ: vai trò ({roles}), đơn vị và lượt trả lời khảo sát (mỗi khảo sát vẫn chỉ một lần). Việc này không hoàn tác được.',
  'linkaccount.yes': 'Liên kết',
  'linkaccount.no': 'Huỷ',
  'linkaccount.noRoles': 'chưa có',
  'linkaccount.invalid':
    'Mã không đúng hoặc đã hết hạn (mỗi mã dùng một lần, trong {minutes} phút). Không có gì thay đổi. Gửi /linkaccount ở nền tảng kia để lấy mã mới.',
  'linkaccount.samePerson': 'Tài khoản này đã thuộc về {name}. Không có gì thay đổi.',
  'linkaccount.platformTaken':
    '{name} đã có một tài khoản {platform}. Mỗi người chỉ liên kết một tài khoản trên mỗi nền tảng. Không có gì thay đổi.',
  'linkaccount.stale': 'Yêu cầu liên kết này đã hết hạn hoặc không phải của bạn. Không có gì thay đổi.',
  'linkaccount.done':
    'Đã liên kết. Tài khoản {platform} này giờ thuộc về {name}. Các tài khoản: {platforms}.',
  'linkaccount.cancelled': 'Đã huỷ liên kết. Không có gì thay đổi.',
  'linkaccount.notice':
    'Một tài khoản {platform} vừa được liên kết với hồ sơ của bạn. Nếu không phải bạn, hãy báo ngay cho quản trị.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.linkaccount': 'link your Telegram, Slack and Zalo accounts',
  'usage.linkaccount':
    'Usage: /linkaccount [CODE] — without a code: get a link code; then on the other platform send /linkaccount CODE (on Slack: /pulse linkaccount CODE). Example: /linkaccount 7KQ2M9XA',
  'linkaccount.code':
    'Your link code: {code}\nWithin {minutes} minutes, open Pulse on the other platform and send: /linkaccount {code}\n(on Slack: /pulse linkaccount {code}).\nGive this code to nobody: whoever has it shares your roles.',
  'linkaccount.sentPrivately': 'Pulse sent you the link code privately.',
  'linkaccount.openDmFirst':
    'Pulse cannot message you privately yet. Open a private chat with Pulse and send /linkaccount there.',
  'linkaccount.confirm':
    'Link this {platform} account to {name}?\nLinked accounts share one profile: roles ({roles}), unit and poll answers (still one per poll). This cannot be undone.',
  'linkaccount.yes': 'Link',
  'linkaccount.no': 'Cancel',
  'linkaccount.noRoles': 'none yet',
  'linkaccount.invalid':
    'The code is wrong or has expired (each code works once, for {minutes} minutes). Nothing was changed. Send /linkaccount on the other platform for a new code.',
  'linkaccount.samePerson': 'This account already belongs to {name}. Nothing was changed.',
  'linkaccount.platformTaken':
    '{name} already has a {platform} account. A person links one account per platform. Nothing was changed.',
  'linkaccount.stale': 'This link request has expired or is not yours. Nothing was changed.',
  'linkaccount.done': 'Linked. This {platform} account now belongs to {name}. Accounts: {platforms}.',
  'linkaccount.cancelled': 'Link cancelled. Nothing was changed.',
  'linkaccount.notice':
    'A {platform} account was just linked to your profile. If this was not you, tell an admin at once.',
};
