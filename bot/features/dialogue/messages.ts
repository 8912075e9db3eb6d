/** Messages of anonymous dialogues (phiên đối thoại). */
export const vi = {
  'cmd.dialogue': 'mở phiên đối thoại ẩn danh cho đơn vị, xem câu hỏi, trả lời',
  'cmd.ask': 'gửi câu hỏi ẩn danh cho phiên đối thoại đang mở',
  'usage.dialogue':
    'Cách dùng: /doithoai MÃ_ĐƠN_VỊ --until GIỜ | list [MÃ_ĐƠN_VỊ] | answer SỐ NỘI_DUNG\n/doithoai MÃ_ĐƠN_VỊ --until 17:00 — mở phiên đối thoại tới 17 giờ hôm nay (hoặc --until 2h, --until 2026-12-01T17:00)\n/doithoai list [MÃ_ĐƠN_VỊ] — câu hỏi xếp theo số người ủng hộ\n/doithoai answer SỐ NỘI_DUNG — trả lời câu hỏi số SỐ (gõ trong nhóm của đơn vị; hoặc trả lời thẳng vào tin câu hỏi)\nVí dụ: /doithoai CB-KT --until 17:00',
  'usage.ask':
    'Cách dùng: /hoi NỘI_DUNG (trong tin nhắn riêng với bot, khi đơn vị bạn có phiên đối thoại đang mở).\nVí dụ: /hoi Bao giờ công ty sửa nhà tắm khu lò giếng?',
  'dialogue.badUntil':
    'Không hiểu giờ kết thúc «{value}». Viết 17:00 (hôm nay), 2h (sau 2 giờ) hoặc 2026-12-01T17:00.',
  'dialogue.untilRange': 'Giờ kết thúc phải sau bây giờ ít nhất 15 phút và không quá 7 ngày.',
  'dialogue.untilMissing': 'Thiếu giờ kết thúc: thêm --until 17:00.',
  'dialogue.unknownUnit': 'Không có đơn vị mã {code}.',
  'dialogue.noGroups':
    'Đơn vị {unit} chưa có nhóm chat nào gắn với Pulse, nên chưa thể mở đối thoại. Chưa thay đổi gì.',
  'dialogue.alreadyOpen': 'Đơn vị {unit} đang có phiên đối thoại #{id} mở tới {time}. Chưa thay đổi gì.',
  'dialogue.opened': '✅ Đã mở phiên đối thoại #{id} cho {unit}, tới {time}. Đã báo {groups} nhóm.',
  'dialogue.announce':
    '🗣 Phiên đối thoại với lãnh đạo — {unit}\nMở tới {time}.\n\nAnh chị có câu hỏi cho lãnh đạo? Nhắn riêng cho bot: /hoi NỘI_DUNG. Câu hỏi được gửi ẩn danh: Pulse không lưu ai hỏi, chỉ lưu giờ, và đăng vào nhóm theo từng đợt mỗi giờ.\nBấm 👍 dưới câu hỏi nào anh chị cũng muốn được trả lời. Lãnh đạo trả lời ngay trong nhóm.',
  'dialogue.openDm': '✍️ Gửi câu hỏi ẩn danh',
  'dialogue.startHint': 'Gửi câu hỏi ẩn danh của bạn: /hoi NỘI_DUNG',
  'dialogue.question':
    '❓ Câu hỏi #{number} (ẩn danh) — đối thoại {unit}\n\n{text}\n\nBấm 👍 nếu bạn cũng muốn được trả lời.',
  'dialogue.vote': '👍 Tôi cũng muốn hỏi',
  'dialogue.noOpen': 'Đơn vị của bạn không có phiên đối thoại nào đang mở. Chưa lưu gì.',
  'dialogue.tooLong': 'Câu hỏi dài quá {max} ký tự. Hãy viết gọn lại. Chưa lưu gì.',
  'dialogue.rateLimited': 'Bạn đã gửi {limit} câu hỏi trong một giờ qua. Hãy thử lại sau. Chưa lưu gì.',
  'dialogue.saved':
    '✅ Đã nhận câu hỏi ẩn danh của bạn cho đối thoại {unit}. Câu hỏi được giữ trong bộ nhớ máy chủ, ghi và đăng vào nhóm vào đầu giờ tới cùng các câu hỏi khác của giờ này, theo thứ tự ngẫu nhiên. Pulse không lưu bạn là ai.',
  'dialogue.urgentOffer':
    '⚠️ Câu hỏi này nói về một việc nghiêm trọng. Bạn có thể bấm «Gửi ngay» để đăng ngay thay vì chờ đầu giờ. Lưu ý: gửi ngay thì thời điểm chính xác được biết, điều đó thu hẹp số người có thể đã hỏi.',
  'dialogue.sendNow': '🚨 Gửi ngay',
  'dialogue.sentNow': '🚨 Đã đăng ngay câu hỏi #{number}.',
  'dialogue.sendNowGone':
    'Câu hỏi này không còn chờ ở đây (đã đăng, hoặc sẽ đăng vào đầu giờ tới). Không có gì thay đổi.',
  'dialogue.voted': '👍 Đã ghi nhận. Mỗi người chỉ được tính một lần cho mỗi câu hỏi.',
  'dialogue.votedAlready': 'Bạn đã ủng hộ câu hỏi này rồi; chỉ tính một lần. Không có gì thay đổi.',
  'dialogue.voteClosed': 'Phiên đối thoại này đã kết thúc. Không có gì thay đổi.',
  'dialogue.voteStranger':
    'Chỉ người lao động của {unit} mới ủng hộ câu hỏi của phiên này. Không có gì thay đổi.',
  'dialogue.voteLeader': 'Lãnh đạo trả lời câu hỏi, không bỏ phiếu ủng hộ. Không có gì thay đổi.',
  'dialogue.list.title': '🗣 Đối thoại #{id} — {unit} (tới {time}): {count} câu hỏi',
  'dialogue.list.item': '#{number} · {votes} · {state}\n{text}',
  'dialogue.list.none': 'Chưa có câu hỏi nào (câu hỏi được đăng theo đợt mỗi giờ).',
  'dialogue.list.empty': 'Không có phiên đối thoại nào đang mở trong các đơn vị bạn phụ trách.',
  'dialogue.votes': '{n} 👍',
  'dialogue.votesFew': 'dưới {k} 👍',
  'dialogue.answered': '✅ đã trả lời',
  'dialogue.unanswered': '⏳ chưa trả lời',
  'dialogue.answerPost': '💬 Trả lời câu hỏi #{number} — {unit}:\n\n{text}',
  'dialogue.answerSaved': '✅ Đã ghi trả lời cho câu hỏi #{number}.',
  'dialogue.answerNoDialogue': 'Nhóm này không có phiên đối thoại nào đang mở. Chưa thay đổi gì.',
  'dialogue.answerUnknown': 'Phiên đối thoại này không có câu hỏi #{number}. Chưa thay đổi gì.',
  'dialogue.answerTooLong': 'Trả lời dài quá {max} ký tự. Chưa thay đổi gì.',
  'dialogue.answerGroupOnly':
    'Hãy trả lời trong nhóm chat của đơn vị, nơi câu hỏi được đăng. Chưa thay đổi gì.',
  'dialogue.summary.title': '🏁 Phiên đối thoại {unit} đã kết thúc',
  'dialogue.summary.counts': '{questions} câu hỏi, {answered} đã được trả lời; ủng hộ: {votes}.',
  'dialogue.summary.none': 'Phiên này không có câu hỏi nào.',
  'dialogue.summary.top': 'Các câu hỏi, xếp theo số người ủng hộ:',
  'dialogue.summary.more': '… và {n} câu hỏi khác.',
  'dialogue.summary.thanks':
    'Cảm ơn anh chị đã tham gia. Câu hỏi chưa được trả lời sẽ được lãnh đạo xem xét.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.dialogue': 'open an anonymous dialogue for a unit, see its questions, answer',
  'cmd.ask': 'send an anonymous question to the open dialogue',
  'usage.dialogue':
    'Usage: /doithoai UNIT_CODE --until TIME | list [UNIT_CODE] | answer NUMBER TEXT\n/dialogue UNIT_CODE --until 17:00 — open a dialogue until 17:00 today (or --until 2h, --until 2026-12-01T17:00)\n/dialogue list [UNIT_CODE] — the questions, most upvoted first\n/dialogue answer NUMBER TEXT — answer question NUMBER (in the unit’s group; or reply to the question’s message)\nExample: /dialogue CB-KT --until 17:00',
  'usage.ask':
    'Usage: /hoi TEXT (or /ask TEXT, in your private chat with the bot, while your unit has an open dialogue).\nExample: /ask When will the shaft showers be repaired?',
  'dialogue.badUntil':
    'Cannot read the end time “{value}”. Write 17:00 (today), 2h (in 2 hours) or 2026-12-01T17:00.',
  'dialogue.untilRange': 'The end time must be at least 15 minutes from now and at most 7 days.',
  'dialogue.untilMissing': 'The end time is missing: add --until 17:00.',
  'dialogue.unknownUnit': 'There is no unit with code {code}.',
  'dialogue.noGroups':
    '{unit} has no group chat bound to Pulse, so a dialogue cannot be opened. Nothing was changed.',
  'dialogue.alreadyOpen': '{unit} already has dialogue #{id} open until {time}. Nothing was changed.',
  'dialogue.opened': '✅ Dialogue #{id} is open for {unit} until {time}. {groups} groups were told.',
  'dialogue.announce':
    '🗣 A dialogue with the leaders — {unit}\nOpen until {time}.\n\nA question for the leaders? Message the bot privately: /ask TEXT. Questions are anonymous: Pulse does not store who asked, only the hour, and posts them here in hourly batches.\nTap 👍 under any question you also want answered. The leaders answer here in the group.',
  'dialogue.openDm': '✍️ Send an anonymous question',
  'dialogue.startHint': 'Send your anonymous question: /ask TEXT',
  'dialogue.question':
    '❓ Question #{number} (anonymous) — dialogue of {unit}\n\n{text}\n\nTap 👍 if you also want it answered.',
  'dialogue.vote': '👍 I want to know too',
  'dialogue.noOpen': 'Your unit has no open dialogue. Nothing was saved.',
  'dialogue.tooLong': 'The question is longer than {max} characters. Please shorten it. Nothing was saved.',
  'dialogue.rateLimited':
    'You have sent {limit} questions in the last hour. Please try again later. Nothing was saved.',
  'dialogue.saved':
    '✅ Your anonymous question for the dialogue of {unit} is received. It is held in the server’s memory, then written and posted in the group at the top of the next hour with this hour’s other questions, in random order. Pulse does not store who you are.',
  'dialogue.urgentOffer':
    '⚠️ This question is about something critical. You can tap “Send now” to post it at once instead of at the top of the hour. Note: sent now, its exact time is known, which narrows who could have asked.',
  'dialogue.sendNow': '🚨 Send now',
  'dialogue.sentNow': '🚨 Question #{number} was posted now.',
  'dialogue.sendNowGone':
    'This question is no longer waiting here (it was posted, or it goes at the top of the next hour). Nothing was changed.',
  'dialogue.voted': '👍 Counted. Each person counts once per question.',
  'dialogue.votedAlready': 'You already upvoted this question; it counts once. Nothing was changed.',
  'dialogue.voteClosed': 'This dialogue has ended. Nothing was changed.',
  'dialogue.voteStranger': 'Only workers of {unit} upvote this dialogue’s questions. Nothing was changed.',
  'dialogue.voteLeader': 'Leaders answer the questions; they do not upvote them. Nothing was changed.',
  'dialogue.list.title': '🗣 Dialogue #{id} — {unit} (until {time}): {count} questions',
  'dialogue.list.item': '#{number} · {votes} · {state}\n{text}',
  'dialogue.list.none': 'No question yet (questions are posted in hourly batches).',
  'dialogue.list.empty': 'No dialogue is open in the units you lead.',
  'dialogue.votes': '{n} 👍',
  'dialogue.votesFew': 'under {k} 👍',
  'dialogue.answered': '✅ answered',
  'dialogue.unanswered': '⏳ not answered',
  'dialogue.answerPost': '💬 Answer to question #{number} — {unit}:\n\n{text}',
  'dialogue.answerSaved': '✅ The answer to question #{number} is recorded.',
  'dialogue.answerNoDialogue': 'This group has no open dialogue. Nothing was changed.',
  'dialogue.answerUnknown': 'This dialogue has no question #{number}. Nothing was changed.',
  'dialogue.answerTooLong': 'The answer is longer than {max} characters. Nothing was changed.',
  'dialogue.answerGroupOnly':
    'Answer in the unit’s group chat, where the question was posted. Nothing was changed.',
  'dialogue.summary.title': '🏁 The dialogue of {unit} has ended',
  'dialogue.summary.counts': '{questions} questions, {answered} answered; upvotes: {votes}.',
  'dialogue.summary.none': 'This dialogue had no question.',
  'dialogue.summary.top': 'The questions, most upvoted first:',
  'dialogue.summary.more': '… and {n} more questions.',
  'dialogue.summary.thanks':
    'Thank you for taking part. The leaders will look into the questions not yet answered.',
};
