/** Messages of /outbox: what Pulse still has to send on its own initiative. */
export const vi = {
  'cmd.outbox': 'xem các tin Pulse đang chờ gửi, đang gửi và gửi không được',
  'usage.outbox': 'Cách dùng: /outbox (không cần thêm gì)',
  'outbox.title': '📤 Tin Pulse tự gửi (chưa gửi xong)',
  'outbox.empty': '✅ Không còn tin nào chờ gửi, đang gửi hay gửi lỗi.',
  'outbox.header': 'Loại: chờ gửi · đang gửi · lỗi',
  'outbox.line': '{kind}: {pending} · {sending} · {failed}',
  'outbox.failures': 'Lỗi gần nhất:',
  'outbox.failure': '• {kind}: {error}',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.outbox': 'see the messages Pulse is waiting to send, sending, or could not send',
  'usage.outbox': 'Usage: /outbox (nothing else)',
  'outbox.title': '📤 Messages Pulse sends on its own (not done yet)',
  'outbox.empty': '✅ Nothing is waiting, being sent, or failed.',
  'outbox.header': 'Kind: pending · sending · failed',
  'outbox.line': '{kind}: {pending} · {sending} · {failed}',
  'outbox.failures': 'Latest failures:',
  'outbox.failure': '• {kind}: {error}',
};
