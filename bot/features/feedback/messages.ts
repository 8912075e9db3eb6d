/** Messages of anonymous feedback and anonymous two-way replies. */
export const vi = {
  'cmd.feedback': 'gửi góp ý ẩn danh tới lãnh đạo đơn vị',
  'cmd.reply': 'trả lời một góp ý ẩn danh',
  'usage.feedback':
    'Cách dùng: /feedback NỘI_DUNG (hoặc /gopy NỘI_DUNG), trong tin nhắn riêng với bot.\nVí dụ: /gopy Nhà tắm khu lò giếng thường hết nước nóng ca ba',
  'usage.reply':
    'Cách dùng: /reply MÃ_GÓP_Ý NỘI_DUNG (trong tin nhắn riêng với bot). Ví dụ: /reply 3f9a1c2b Cảm ơn bạn, tuần sau sẽ sửa bình nóng lạnh',
  'feedback.saved':
    '✅ Đã nhận góp ý ẩn danh của bạn (mã #{id}). Góp ý sẽ được chuyển tới lãnh đạo {unit} vào đầu giờ tới — gửi theo giờ để không ai đoán được thời điểm bạn gửi. Pulse không lưu bạn là ai.',
  'feedback.offerReplies':
    'Nếu muốn lãnh đạo trả lời bạn mà vẫn không biết bạn là ai, bấm nút dưới đây. Pulse sẽ giữ một địa chỉ đã mã hóa trong 30 ngày rồi xóa. Lãnh đạo không mở được địa chỉ này; chỉ người vận hành máy chủ nắm cả khóa bí mật của máy chủ lẫn cơ sở dữ liệu mới có thể mở.',
  'feedback.repliesOff':
    'Lãnh đạo đơn vị sẽ đọc góp ý của bạn, nhưng chưa thể trả lời riêng cho bạn: tính năng trả lời ẩn danh hai chiều chưa được bật.',
  'feedback.reply.disabled':
    'Chưa thể gửi: tính năng trả lời ẩn danh hai chiều chưa được bật, nên Pulse không có cách nào chuyển trả lời tới người góp ý. Hãy đề nghị người vận hành Pulse bật tính năng này.',
  'feedback.allowReplies': '🔐 Cho phép trả lời ẩn danh',
  'feedback.repliesAllowed': '🔐 Đã cho phép: lãnh đạo có thể trả lời bạn ẩn danh trong 30 ngày.',
  'feedback.repliesAlready': 'Bạn đã cho phép trả lời góp ý này rồi. Không có gì thay đổi.',
  'feedback.repliesExpired': 'Góp ý này đã quá 30 ngày, không thể bật trả lời nữa. Không có gì thay đổi.',
  'feedback.noUnit':
    'Pulse chưa biết bạn thuộc đơn vị nào nên chưa biết chuyển góp ý cho ai. Hãy nhắn một tin trong nhóm chat của đơn vị (hoặc bấm nút «Nhắn riêng với Pulse» trong nhóm) rồi gửi lại. Chưa lưu gì.',
  'feedback.rateLimited': 'Bạn đã gửi {limit} góp ý trong một giờ qua. Hãy thử lại sau. Chưa lưu gì.',
  'feedback.tooLong': 'Góp ý dài quá {max} ký tự. Hãy chia thành nhiều lần gửi. Chưa lưu gì.',
  'feedback.relay.title': '📨 Góp ý ẩn danh — {unit}',
  'feedback.relay.meta': 'Mã #{id} · gửi trong khoảng {hour}',
  'feedback.relay.canReply': 'Người gửi cho phép trả lời ẩn danh: /reply {id} NỘI_DUNG',
  'feedback.relay.noReply': 'Người gửi không để lại cách liên lạc.',
  'feedback.relay.nowCanReply': '🔐 Người gửi góp ý #{id} vừa cho phép trả lời ẩn danh: /reply {id} NỘI_DUNG',
  'feedback.reply.received': '📬 Trả lời cho góp ý ẩn danh của bạn (#{id}) từ lãnh đạo {unit}:\n\n{text}',
  'feedback.reply.sent':
    'Đã gửi trả lời cho người góp ý #{id}. Bạn không biết họ là ai, họ cũng chỉ biết trả lời đến từ lãnh đạo đơn vị.',
  'feedback.reply.noHandle':
    'Người gửi góp ý #{id} không cho phép trả lời, hoặc đã quá 30 ngày. Không gửi được. Không có gì thay đổi.',
  'feedback.reply.undeliverable': 'Không gửi được trả lời cho góp ý #{id} (người gửi đã chặn hoặc rời bot).',
  'feedback.reply.unknown': 'Không có góp ý nào mã #{id}.',
  'feedback.reply.ambiguous': 'Có nhiều góp ý bắt đầu bằng #{id}. Hãy gõ thêm vài ký tự của mã.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.feedback': 'send anonymous feedback to your unit’s leaders',
  'cmd.reply': 'reply to anonymous feedback',
  'usage.feedback':
    'Usage: /feedback TEXT (or /gopy TEXT), in your private chat with the bot.\nExample: /feedback The shaft showers often run out of hot water on the night shift',
  'usage.reply':
    'Usage: /reply FEEDBACK_ID TEXT (in your private chat with the bot). Example: /reply 3f9a1c2b Thank you, the water heater will be fixed next week',
  'feedback.saved':
    '✅ Your anonymous feedback is received (id #{id}). It goes to the leaders of {unit} at the top of the next hour — sent by the hour so nobody can tell when you wrote. Pulse does not store who you are.',
  'feedback.offerReplies':
    'If you want the leaders to be able to reply without learning who you are, tap the button below. Pulse keeps an encrypted address for 30 days, then deletes it. Leaders cannot open it; only the server operator holding both the server’s secret key and the database could.',
  'feedback.repliesOff':
    "The unit's leaders will read your feedback, but cannot reply to you privately: anonymous two-way replies are not enabled.",
  'feedback.reply.disabled':
    'Not sent: anonymous two-way replies are not enabled, so Pulse has no way to pass a reply to the sender. Ask whoever runs Pulse to enable them.',
  'feedback.allowReplies': '🔐 Allow anonymous replies',
  'feedback.repliesAllowed': '🔐 Allowed: the leaders can reply to you anonymously for 30 days.',
  'feedback.repliesAlready': 'You already allowed replies to this feedback. Nothing was changed.',
  'feedback.repliesExpired':
    'This feedback is more than 30 days old; replies can no longer be allowed. Nothing was changed.',
  'feedback.noUnit':
    'Pulse does not know your unit yet, so it cannot tell whom to send feedback to. Write once in your unit’s group chat (or tap «Message Pulse privately» there), then send it again. Nothing was saved.',
  'feedback.rateLimited':
    'You have sent {limit} pieces of feedback in the last hour. Please try again later. Nothing was saved.',
  'feedback.tooLong': 'The feedback is longer than {max} characters. Please split it. Nothing was saved.',
  'feedback.relay.title': '📨 Anonymous feedback — {unit}',
  'feedback.relay.meta': 'Id #{id} · sent around {hour}',
  'feedback.relay.canReply': 'The sender allows anonymous replies: /reply {id} TEXT',
  'feedback.relay.noReply': 'The sender left no way to reply.',
  'feedback.relay.nowCanReply':
    '🔐 The sender of feedback #{id} now allows anonymous replies: /reply {id} TEXT',
  'feedback.reply.received':
    '📬 A reply to your anonymous feedback (#{id}) from the leaders of {unit}:\n\n{text}',
  'feedback.reply.sent':
    'Your reply to feedback #{id} was sent. You do not know who they are; they only know the reply came from their unit’s leaders.',
  'feedback.reply.noHandle':
    'The sender of feedback #{id} did not allow replies, or it is more than 30 days old. Nothing was sent. Nothing was changed.',
  'feedback.reply.undeliverable':
    'The reply to feedback #{id} could not be delivered (the sender blocked or left the bot).',
  'feedback.reply.unknown': 'There is no feedback with id #{id}.',
  'feedback.reply.ambiguous':
    'Several pieces of feedback start with #{id}. Please type a few more characters of the id.',
};
