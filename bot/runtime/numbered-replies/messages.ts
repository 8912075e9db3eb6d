/** Messages of the platform adapters, numbered choices and /linkaccount. */
export const vi = {
  'platform.telegram': 'Telegram',
  'platform.slack': 'Slack',
  'platform.zalo': 'Zalo',
  'platform.zalo-oa': 'Zalo OA',
  'platform.sandbox': 'Sandbox',
  'error.groupsUnavailable':
    'Lệnh /{command} dùng trong nhóm chat, nhưng {platform} chưa cho bot tham gia nhóm. Hãy dùng lệnh này trong nhóm Telegram hoặc kênh Slack. Không có gì thay đổi.',
  'numbered.hint': 'Trả lời bằng một số từ 1 đến {max}, hoặc gõ đúng nội dung lựa chọn.',
  'numbered.outOfRange': 'Chưa rõ lựa chọn của bạn: hãy trả lời bằng một số từ 1 đến {max}.',
  'numbered.startLink': '{label}: gửi /start {token}',
  'numbered.privately':
    '🔒 Để trả lời ẩn danh, đừng trả lời trong nhóm: nhắn riêng cho Pulse lệnh /start {token}',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'platform.telegram': 'Telegram',
  'platform.slack': 'Slack',
  'platform.zalo': 'Zalo',
  'platform.zalo-oa': 'Zalo OA',
  'platform.sandbox': 'Sandbox',
  'error.groupsUnavailable':
    'The /{command} command works in group chats, but {platform} does not let bots join groups yet. Use it in a Telegram group or a Slack channel. Nothing was changed.',
  'numbered.hint': 'Reply with a number from 1 to {max}, or type the choice itself.',
  'numbered.outOfRange': 'Which choice did you mean? Reply with a number from 1 to {max}.',
  'numbered.startLink': '{label}: send /start {token}',
  'numbered.privately':
    '🔒 To answer anonymously, do not answer in the group: send Pulse /start {token} in a private message',
};
