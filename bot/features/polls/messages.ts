/** Messages of anonymous polls: creating, answering, commenting, results. */
export const vi = {
  'cmd.pulse': 'tạo khảo sát nhanh thang 1–5 (ẩn danh)',
  'cmd.poll': 'tạo khảo sát có/không hoặc nhiều lựa chọn (ẩn danh)',
  'cmd.polls': 'các khảo sát đang mở và gần đây',
  'cmd.results': 'xem kết quả một khảo sát',
  'cmd.close': 'đóng sớm một khảo sát',
  'cmd.comment': 'gửi ý kiến ẩn danh cho khảo sát đã trả lời',
  'usage.pulse':
    'Cách dùng: /pulse CÂU_HỎI [--units MÃ,MÃ] [--dm] [--closes 24h|2026-12-01T17:00] [--comments] [--min 5]\nMặc định: gửi tới nhóm đang gõ lệnh (và các nhóm của đơn vị con), đóng sau 24 giờ.\nVí dụ: /pulse Tuần này bạn thấy công việc thế nào? --units CB-KT --closes 48h --comments',
  'usage.poll':
    'Cách dùng: /poll CÂU_HỎI | LỰA_CHỌN 1 | LỰA_CHỌN 2 … [--units MÃ,MÃ] [--dm] [--closes 24h] [--comments] [--min 5]\nKhông có lựa chọn: khảo sát Có/Không. Từ 2 đến 10 lựa chọn.\nVí dụ: /poll Ca làm việc nào phù hợp hơn? | Ca sáng | Ca chiều | Ca đêm --units CB-KT',
  'usage.polls': 'Cách dùng: /polls',
  'usage.results': 'Cách dùng: /results SỐ_KHẢO_SÁT. Ví dụ: /results 12',
  'usage.close': 'Cách dùng: /close SỐ_KHẢO_SÁT. Ví dụ: /close 12',
  'usage.comment':
    'Cách dùng: /comment SỐ_KHẢO_SÁT NỘI_DUNG (trong tin nhắn riêng với bot, sau khi đã trả lời). Ví dụ: /comment 12 Nên bố trí thêm quạt ở lò chợ',
  'polls.yes': 'Có',
  'polls.no': 'Không',
  'polls.header.scale': '📊 Khảo sát nhanh #{id} — ẩn danh',
  'polls.header.choice': '📋 Khảo sát #{id} — ẩn danh',
  'polls.anonymousNote':
    'Câu trả lời được ghi nhận ẩn danh: không ai, kể cả quản trị viên, biết bạn đã chọn gì. Kết quả chỉ công bố khi khảo sát đóng và đủ số người trả lời.',
  'polls.closesAt': '⏳ Hạn trả lời: {time}',
  'polls.home.title': '🗳️ Khảo sát chờ bạn trả lời',
  'polls.home.detail': 'Khảo sát #{id} · hạn trả lời {time} · ẩn danh',
  'polls.closedAt': '🔒 Đã đóng lúc {time}',
  'polls.answered': '👥 {count} người đã trả lời',
  'polls.answeredWithheld':
    '👥 Số người đã trả lời không hiển thị: có đơn vị được hỏi ít người hơn ngưỡng ẩn danh.',
  'polls.commentsNote': '💬 Sau khi chọn, bạn có thể gửi thêm một ý kiến ẩn danh qua tin nhắn riêng với bot.',
  'polls.addComment': '💬 Thêm ý kiến',
  'polls.reminder': '⏰ Còn {hours} giờ để trả lời khảo sát #{id}:',
  'polls.answer.recorded':
    '✅ Đã ghi nhận câu trả lời ẩn danh, niêm phong: cộng theo lô {k} người hoặc khi đóng (nếu máy chủ sập trước đó có thể mất). Cảm ơn bạn!',
  'polls.answer.recordedComment':
    '✅ Đã ghi nhận câu trả lời ẩn danh của bạn, niêm phong trong một lô {k} câu trả lời. Muốn góp thêm ý kiến? Bấm «Thêm ý kiến» rồi gửi nội dung trong tin nhắn riêng với bot.',
  'polls.answer.already':
    'Bạn đã trả lời khảo sát này rồi — mỗi người chỉ trả lời một lần. Không có gì thay đổi.',
  'polls.answer.closed': 'Khảo sát này đã đóng. Không có gì thay đổi.',
  'polls.answer.notAudience':
    'Cảm ơn bạn! Khảo sát này chỉ dành cho người lao động của đơn vị được hỏi, xác định lúc khảo sát mở. Câu trả lời không được ghi nhận.',
  'polls.unknown': 'Không tìm thấy khảo sát này.',
  'polls.unknownId': 'Không có khảo sát #{id}.',
  'polls.create.whichUnits':
    'Hãy cho biết hỏi đơn vị nào: thêm --units MÃ_ĐƠN_VỊ (hoặc gõ lệnh trong nhóm chat đã gắn với đơn vị).',
  'polls.create.noChats':
    'Các đơn vị này chưa có nhóm chat nào gắn với Pulse. Dùng /link trong nhóm, hoặc thêm --dm để hỏi riêng từng người. Chưa tạo khảo sát.',
  'polls.create.noPeople': 'Pulse chưa biết ai thuộc các đơn vị này để hỏi riêng. Chưa tạo khảo sát.',
  'polls.create.badCloses':
    'Không hiểu thời hạn "{value}". Dùng số phút/giờ/ngày (90m, 24h, 3d) hoặc ngày giờ (2026-12-01T17:00). Chưa tạo khảo sát.',
  'polls.create.closesRange': 'Thời hạn phải sau ít nhất 5 phút và không quá 90 ngày. Chưa tạo khảo sát.',
  'polls.create.questionTooLong': 'Câu hỏi dài quá {max} ký tự. Chưa tạo khảo sát.',
  'polls.create.scaleHasOptions':
    '/pulse là thang 1–5 nên không có lựa chọn riêng. Muốn tự đặt lựa chọn, dùng /poll CÂU_HỎI | A | B. Chưa tạo khảo sát.',
  'polls.create.emptyOption': 'Có một lựa chọn để trống (giữa hai dấu |). Chưa tạo khảo sát.',
  'polls.create.optionCount': 'Khảo sát nhiều lựa chọn cần từ {min} đến {max} lựa chọn. Chưa tạo khảo sát.',
  'polls.create.optionTooLong': 'Mỗi lựa chọn tối đa {max} ký tự. Chưa tạo khảo sát.',
  'polls.create.duplicateOption': 'Có hai lựa chọn trùng nhau. Chưa tạo khảo sát.',
  'polls.create.badMin':
    '--min phải là số nguyên từ {min} đến {max}: ít hơn {min} câu trả lời thì không giữ được ẩn danh. Chưa tạo khảo sát.',
  'polls.create.done':
    'Đã tạo khảo sát #{id} và gửi tới {sent}/{targets} nhóm chat. Hạn trả lời: {time}.\nKết quả theo đơn vị chỉ hiện khi có từ {k} câu trả lời. Xem: /results {id} · Đóng sớm: /close {id}',
  'polls.create.doneDm':
    'Đã tạo khảo sát #{id} và đang gửi riêng tới {targets} người (đã gửi {sent}). Hạn trả lời: {time}.\nKết quả theo đơn vị chỉ hiện khi có từ {k} câu trả lời. Xem: /results {id} · Đóng sớm: /close {id}',
  'polls.close.done': 'Đã đóng khảo sát #{id}. Kết quả đang được gửi tới các nhóm.',
  'polls.close.already': 'Khảo sát #{id} đã đóng rồi. Không có gì thay đổi.',
  'polls.comment.prompt':
    'Khảo sát #{id}: {question}\nHãy gõ ý kiến của bạn vào đây (một tin nhắn, trong {minutes} phút; hoặc /comment {id} NỘI_DUNG). Ý kiến được lưu ẩn danh, chỉ kèm đơn vị và giờ gửi.',
  'polls.comment.saved':
    '✅ Đã nhận ý kiến ẩn danh của bạn cho khảo sát #{id}. Cảm ơn bạn! Ý kiến được giữ trong bộ nhớ máy chủ và ghi vào đầu giờ tới, cùng các ý kiến khác của giờ này theo thứ tự ngẫu nhiên, để không ai biết ai đã gửi. Nếu máy chủ bị tắt đột ngột (sự cố, không phải khởi động lại bình thường) trước đó, hoặc khảo sát đóng sớm, ý kiến có thể mất.',
  'polls.comment.already':
    'Bạn đã gửi ý kiến cho khảo sát #{id} rồi: mỗi người một ý kiến. Không có gì thay đổi.',
  'polls.privately.notInvited':
    'Khảo sát #{id} không còn mở, hoặc không gửi tới nhóm nào của bạn trên nền tảng này. Không có gì thay đổi.',
  'polls.comment.notInvited':
    'Bạn chỉ gửi được một ý kiến cho khảo sát #{id}, sau khi đã trả lời và trước khi khảo sát đóng. Không có gì thay đổi.',
  'polls.comment.tooLong': 'Ý kiến dài quá {max} ký tự. Chưa lưu gì.',
  'polls.list.title': 'Khảo sát đang mở và gần đây:',
  'polls.list.line': '#{id} {question} — {when} — {answered}/{asked} đã trả lời',
  'polls.list.withheld': '?',
  'polls.list.open': 'mở đến {time}',
  'polls.list.closed': 'đã đóng {time}',
  'polls.list.none': 'Không có khảo sát nào đang mở hoặc đóng trong 30 ngày qua mà bạn được xem.',
  'polls.results.openTitle': '📊 Khảo sát #{id} — đang mở',
  'polls.results.closedTitle': '📊 Kết quả khảo sát #{id} — đã đóng',
  'polls.results.hiddenUntilClose':
    'Kết quả được giữ kín đến khi khảo sát đóng ({time}), để không ai suy ra câu trả lời của từng người theo thời điểm.',
  'polls.results.participation': 'Tham gia: {answered}/{asked} người ({percent}%)',
  'polls.results.participationCount': 'Tham gia: {answered} người',
  'polls.results.overallLabel': 'Toàn bộ',
  'polls.results.overall': 'Toàn bộ: {n} câu trả lời',
  'polls.results.unit': '{unit}: {n} câu trả lời ({n}/{members} người, {percent}%)',
  'polls.results.unitCount': '{unit}: {n} câu trả lời',
  'polls.results.none': 'chưa có câu trả lời',
  'polls.results.notEnough': 'chưa đủ câu trả lời để giữ ẩn danh (cần ít nhất {k})',
  'polls.results.mean': 'Trung bình: {mean}/5',
  'polls.results.comments': '💬 Ý kiến ({n}):',
  'polls.results.commentsNotEnough': '💬 Ý kiến: chưa đủ để hiển thị mà vẫn giữ ẩn danh (cần ít nhất {k}).',
  'polls.results.commentsWithheld':
    'Ý kiến của các đơn vị còn lại chưa đủ {k} nên không hiển thị, để giữ ẩn danh.',
  'polls.results.otherUnits': 'Các đơn vị khác (gộp lại để giữ ẩn danh):',
  'polls.results.trend': '📈 Xu hướng qua các lần khảo sát:',
  'polls.results.trendNotEnough': 'chưa đủ câu trả lời để giữ ẩn danh',
  'polls.results.answers': '{n} câu trả lời',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.pulse': 'create a quick 1–5 pulse (anonymous)',
  'cmd.poll': 'create a yes/no or multiple-choice poll (anonymous)',
  'cmd.polls': 'open and recent polls',
  'cmd.results': 'results of a poll',
  'cmd.close': 'close a poll early',
  'cmd.comment': 'send an anonymous comment on a poll you answered',
  'usage.pulse':
    'Usage: /pulse QUESTION [--units CODE,CODE] [--dm] [--closes 24h|2026-12-01T17:00] [--comments] [--min 5]\nBy default it goes to the group you type in (and the groups of its sub-units) and closes after 24 hours.\nExample: /pulse How was your work this week? --units CB-KT --closes 48h --comments',
  'usage.poll':
    'Usage: /poll QUESTION | OPTION 1 | OPTION 2 … [--units CODE,CODE] [--dm] [--closes 24h] [--comments] [--min 5]\nWithout options: a Yes/No poll. 2 to 10 options.\nExample: /poll Which shift suits you better? | Morning | Afternoon | Night --units CB-KT',
  'usage.polls': 'Usage: /polls',
  'usage.results': 'Usage: /results POLL_NUMBER. Example: /results 12',
  'usage.close': 'Usage: /close POLL_NUMBER. Example: /close 12',
  'usage.comment':
    'Usage: /comment POLL_NUMBER TEXT (in your private chat with the bot, after answering). Example: /comment 12 More fans are needed at the face',
  'polls.yes': 'Yes',
  'polls.no': 'No',
  'polls.header.scale': '📊 Pulse #{id} — anonymous',
  'polls.header.choice': '📋 Poll #{id} — anonymous',
  'polls.anonymousNote':
    'Answers are recorded anonymously: nobody, admins included, knows what you chose. Results are published only when the poll closes and enough people have answered.',
  'polls.closesAt': '⏳ Answer by: {time}',
  'polls.home.title': '🗳️ Polls waiting for your answer',
  'polls.home.detail': 'Poll #{id} · answer by {time} · anonymous',
  'polls.closedAt': '🔒 Closed at {time}',
  'polls.answered': '👥 {count} people have answered',
  'polls.answeredWithheld':
    '👥 The number who answered is not shown: a unit asked has fewer people than the anonymity threshold.',
  'polls.commentsNote':
    '💬 After choosing, you may send one anonymous comment in your private chat with the bot.',
  'polls.addComment': '💬 Add a comment',
  'polls.reminder': '⏰ {hours} hours left to answer poll #{id}:',
  'polls.answer.recorded':
    '✅ Anonymous answer recorded, sealed: counted in a batch of {k} or at closing (a server crash before then may lose it). Thank you!',
  'polls.answer.recordedComment':
    '✅ Your anonymous answer is recorded, sealed in a batch of {k} answers. Anything to add? Tap «Add a comment» and send it in your private chat with the bot.',
  'polls.answer.already': 'You have already answered this poll — one answer per person. Nothing was changed.',
  'polls.answer.closed': 'This poll is closed. Nothing was changed.',
  'polls.answer.notAudience':
    'Thank you! This poll is only for the workers of the units asked, as they were when it opened. Your answer was not recorded.',
  'polls.unknown': 'This poll was not found.',
  'polls.unknownId': 'There is no poll #{id}.',
  'polls.create.whichUnits':
    'Say which units to ask: add --units UNIT_CODE (or type the command in a group chat bound to a unit).',
  'polls.create.noChats':
    'These units have no group chat bound to Pulse yet. Use /link in the group, or add --dm to ask each person privately. No poll was created.',
  'polls.create.noPeople':
    'Pulse does not know anyone in these units to ask privately yet. No poll was created.',
  'polls.create.badCloses':
    'Cannot read the deadline "{value}". Use minutes/hours/days (90m, 24h, 3d) or a date and time (2026-12-01T17:00). No poll was created.',
  'polls.create.closesRange':
    'The deadline must be at least 5 minutes and at most 90 days away. No poll was created.',
  'polls.create.questionTooLong': 'The question is longer than {max} characters. No poll was created.',
  'polls.create.scaleHasOptions':
    '/pulse is a 1–5 scale and takes no options. For your own options use /poll QUESTION | A | B. No poll was created.',
  'polls.create.emptyOption': 'One option is empty (between two | signs). No poll was created.',
  'polls.create.optionCount': 'A multiple-choice poll needs {min} to {max} options. No poll was created.',
  'polls.create.optionTooLong': 'Each option may have at most {max} characters. No poll was created.',
  'polls.create.duplicateOption': 'Two options are the same. No poll was created.',
  'polls.create.badMin':
    '--min must be a whole number from {min} to {max}: fewer than {min} answers cannot stay anonymous. No poll was created.',
  'polls.create.done':
    'Created poll #{id} and sent it to {sent}/{targets} group chats. Answer by: {time}.\nResults per unit show only with at least {k} answers. See: /results {id} · Close early: /close {id}',
  'polls.create.doneDm':
    'Created poll #{id}; sending it privately to {targets} people ({sent} sent so far). Answer by: {time}.\nResults per unit show only with at least {k} answers. See: /results {id} · Close early: /close {id}',
  'polls.close.done': 'Closed poll #{id}. The results are being sent to the groups.',
  'polls.close.already': 'Poll #{id} is already closed. Nothing was changed.',
  'polls.comment.prompt':
    'Poll #{id}: {question}\nType your comment here (one message, within {minutes} minutes; or /comment {id} TEXT). It is stored anonymously, with only the unit and the hour.',
  'polls.comment.saved':
    '✅ Your anonymous comment on poll #{id} is received. Thank you! It is held in the server’s memory and written at the top of the next hour, with this hour’s other comments in random order, so nobody can tell who sent it. If the server is killed abruptly (a crash, not a normal restart) before then, or the poll is closed early, it may be lost.',
  'polls.comment.already':
    'You already sent your comment on poll #{id}: one comment per person. Nothing was changed.',
  'polls.privately.notInvited':
    'Poll #{id} is no longer open, or was not sent to any of your groups on this platform. Nothing was changed.',
  'polls.comment.notInvited':
    'You can send one comment on poll #{id}, after answering it and before it closes. Nothing was changed.',
  'polls.comment.tooLong': 'The comment is longer than {max} characters. Nothing was saved.',
  'polls.list.title': 'Open and recent polls:',
  'polls.list.line': '#{id} {question} — {when} — {answered}/{asked} answered',
  'polls.list.withheld': '?',
  'polls.list.open': 'open until {time}',
  'polls.list.closed': 'closed {time}',
  'polls.list.none': 'No poll you may see is open or closed in the last 30 days.',
  'polls.results.openTitle': '📊 Poll #{id} — open',
  'polls.results.closedTitle': '📊 Results of poll #{id} — closed',
  'polls.results.hiddenUntilClose':
    'Results stay hidden until the poll closes ({time}), so nobody can work out a person’s answer from when it arrived.',
  'polls.results.participation': 'Participation: {answered}/{asked} people ({percent}%)',
  'polls.results.participationCount': 'Participation: {answered} people',
  'polls.results.overallLabel': 'Overall',
  'polls.results.overall': 'Overall: {n} answers',
  'polls.results.unit': '{unit}: {n} answers ({n}/{members} people, {percent}%)',
  'polls.results.unitCount': '{unit}: {n} answers',
  'polls.results.none': 'no answers yet',
  'polls.results.notEnough': 'not enough answers to keep them anonymous (at least {k} needed)',
  'polls.results.mean': 'Average: {mean}/5',
  'polls.results.comments': '💬 Comments ({n}):',
  'polls.results.commentsNotEnough':
    '💬 Comments: not enough to show while keeping them anonymous (at least {k} needed).',
  'polls.results.commentsWithheld':
    'Comments of the remaining units are fewer than {k} and are not shown, to keep them anonymous.',
  'polls.results.otherUnits': 'Other units (pooled to keep them anonymous):',
  'polls.results.trend': '📈 Trend across runs:',
  'polls.results.trendNotEnough': 'not enough answers to keep them anonymous',
  'polls.results.answers': '{n} answers',
};
