/** Messages of anonymous feedback and anonymous two-way replies. */
export const vi = {
  'cmd.feedback': 'gửi góp ý ẩn danh tới lãnh đạo đơn vị',
  'cmd.reply': 'trả lời một góp ý ẩn danh',
  'usage.feedback':
    'Cách dùng: /feedback NỘI_DUNG (hoặc /gopy NỘI_DUNG), trong tin nhắn riêng với bot.\nVí dụ: /gopy Nhà tắm khu lò giếng thường hết nước nóng ca ba',
  'usage.reply':
    'Cách dùng: /reply MÃ_GÓP_Ý NỘI_DUNG (trong tin nhắn riêng với bot). Ví dụ: /reply 3f9a1c2b Cảm ơn bạn, tuần sau sẽ sửa bình nóng lạnh',
  'feedback.saved':
    '✅ Đã nhận góp ý ẩn danh của bạn (mã #{id}). Góp ý được giữ trong bộ nhớ máy chủ và ghi vào cơ sở dữ liệu vào đầu giờ tới, cùng mọi góp ý khác của giờ này theo thứ tự ngẫu nhiên, rồi chuyển tới lãnh đạo {unit} — để không ai đoán được thời điểm bạn gửi. Pulse không lưu bạn là ai. Lưu ý: nếu máy chủ bị tắt đột ngột (sự cố, không phải khởi động lại bình thường) trước đầu giờ, góp ý này sẽ mất; khi đó bạn sẽ không nhận được trả lời và nên gửi lại.',
  'feedback.urgentOffer':
    '⚠️ Góp ý này nói về một việc nghiêm trọng (tai nạn, sập đổ…). Bạn có thể bấm «Gửi ngay» để lãnh đạo nhận ngay thay vì chờ đầu giờ. Xin lưu ý: gửi ngay thì thời điểm chính xác được lưu và lãnh đạo thấy ngay, điều đó thu hẹp số người có thể đã gửi. Nếu không bấm, góp ý đi vào đầu giờ tới như thường lệ.',
  'feedback.sendNow': '🚨 Gửi ngay',
  'feedback.sentNow': '🚨 Đã gửi ngay góp ý #{id} tới lãnh đạo, với thời điểm chính xác.',
  'feedback.sendNowGone':
    'Góp ý này không còn chờ ở đây (đã gửi, hoặc sẽ gửi vào đầu giờ tới như thường lệ). Không có gì thay đổi.',
  'feedback.offerReplies':
    'Nếu muốn lãnh đạo trả lời bạn mà vẫn không biết bạn là ai, bấm nút dưới đây. Pulse sẽ giữ một địa chỉ đã mã hóa trong 30 ngày rồi xóa. Lãnh đạo không mở được địa chỉ này; chỉ người vận hành máy chủ nắm cả khóa bí mật của máy chủ lẫn cơ sở dữ liệu mới có thể mở.',
  'feedback.repliesOff':
    'Lãnh đạo đơn vị sẽ đọc góp ý của bạn, nhưng chưa thể trả lời riêng cho bạn: tính năng trả lời ẩn danh hai chiều chưa được bật.',
  'feedback.reply.disabled':
    'Chưa thể gửi: tính năng trả lời ẩn danh hai chiều chưa được bật, nên Pulse không có cách nào chuyển trả lời tới người góp ý. Hãy đề nghị người vận hành Pulse bật tính năng này.',
  'feedback.allowReplies': '🔐 Cho phép trả lời ẩn danh',
  'feedback.repliesAllowed':
    '🔐 Đã cho phép: lãnh đạo có thể trả lời bạn ẩn danh trong 30 ngày. Địa chỉ mã hóa được ghi vào đầu giờ tới, cùng các góp ý của giờ.',
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
    '✅ Your anonymous feedback is received (id #{id}). It is held in the server’s memory and written to the database at the top of the next hour, with all of this hour’s other feedback in random order, then relayed to the leaders of {unit} — so nobody can tell when you wrote. Pulse does not store who you are. Note: if the server is killed abruptly (a crash, not a normal restart) before the top of the hour, this feedback is lost; you would then get no reply and should send it again.',
  'feedback.urgentOffer':
    '⚠️ This feedback is about something critical (an accident, a collapse…). You can tap “Send now” so the leaders get it at once instead of at the top of the hour. Please note: sent now, its exact time is stored and the leaders see it at once, which narrows who could have sent it. If you do not tap, it goes at the top of the next hour as usual.',
  'feedback.sendNow': '🚨 Send now',
  'feedback.sentNow': '🚨 Feedback #{id} was sent to the leaders now, with its exact time.',
  'feedback.sendNowGone':
    'This feedback is no longer waiting here (it was sent, or it goes at the top of the next hour as usual). Nothing was changed.',
  'feedback.offerReplies':
    'If you want the leaders to be able to reply without learning who you are, tap the button below. Pulse keeps an encrypted address for 30 days, then deletes it. Leaders cannot open it; only the server operator holding both the server’s secret key and the database could.',
  'feedback.repliesOff':
    "The unit's leaders will read your feedback, but cannot reply to you privately: anonymous two-way replies are not enabled.",
  'feedback.reply.disabled':
    'Not sent: anonymous two-way replies are not enabled, so Pulse has no way to pass a reply to the sender. Ask whoever runs Pulse to enable them.',
  'feedback.allowReplies': '🔐 Allow anonymous replies',
  'feedback.repliesAllowed':
    '🔐 Allowed: the leaders can reply to you anonymously for 30 days. The encrypted address is written at the top of the next hour, with the hour’s feedback.',
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
