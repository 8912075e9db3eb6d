/** Messages of multi-question surveys: the conversation in the DM, the admin command, results. */
export const vi = {
  'cmd.khaosat': 'mở phiếu khảo sát nhiều câu hỏi (ẩn danh), xem kết quả, đóng',
  'cmd.lamkhaosat': 'trả lời (hoặc làm tiếp) phiếu khảo sát trong tin nhắn riêng',
  'usage.khaosat':
    'Cách dùng: /khaosat list|start MÃ_MẪU|pulse|results SỐ|heatmap SỐ|close SỐ [cờ] (chi tiết dưới đây)\n/khaosat list — các mẫu phiếu và phiếu gần đây\n/khaosat start MÃ_MẪU [--units MÃ,MÃ] [--closes 72h|2026-12-01T17:00] — mở phiếu theo mẫu trong tệp kịch bản\n/khaosat pulse [--size 5] [--units MÃ,MÃ] [--closes 72h] — phiếu ngắn lấy luân phiên từ ngân hàng câu hỏi\n/khaosat results SỐ_PHIẾU — kết quả (khi đã đóng)\n/khaosat heatmap SỐ_PHIẾU — bản đồ nhiệt đơn vị × câu hỏi (ảnh PNG, bảng, CSV)\n/khaosat close SỐ_PHIẾU — đóng sớm\nVí dụ: /khaosat start quy-4 --units CB1,CB2 --closes 72h',
  'usage.lamkhaosat':
    'Cách dùng: /lamkhaosat [SỐ_PHIẾU] (trong tin nhắn riêng với bot). Không ghi số: xem các phiếu đang mở cho bạn. Ví dụ: /lamkhaosat 3',
  'surveys.yes': 'Có',
  'surveys.no': 'Không',
  'surveys.back': '⬅️ Quay lại',
  'surveys.skip': '⏭ Bỏ qua',
  'surveys.take': '📝 Làm khảo sát',
  'surveys.question.header': '📝 Phiếu #{id} — {title}\nCâu {n}/{total}',
  'surveys.hint.scale': 'Chọn từ 1 (rất không hài lòng) đến 5 (rất hài lòng).',
  'surveys.hint.choice': 'Chọn một câu trả lời.',
  'surveys.hint.nps': 'Chọn từ 0 (chắc chắn không) đến 10 (chắc chắn có).',
  'surveys.hint.text': 'Gõ câu trả lời của bạn rồi gửi (hoặc bấm «Bỏ qua»).',
  'surveys.intro':
    'Phiếu có {total} câu, hoàn toàn ẩn danh: câu trả lời không gắn với tên bạn và chỉ được cộng chung theo lô ít nhất {k} người. Bạn có thể bỏ qua câu nào cũng được.',
  'surveys.resume': '↩️ Bạn làm tiếp từ câu {n}/{total}.',
  'surveys.done':
    '✅ Xong! Cảm ơn bạn. Phiếu đã được niêm phong ẩn danh: cộng chung theo lô {k} người hoặc khi phiếu đóng (nếu máy chủ sập trước đó có thể mất). Kết quả chỉ công bố khi đủ người trả lời.',
  'surveys.stale': 'Câu đó đã qua. Đây là câu bạn đang trả lời:',
  'surveys.sealed':
    'Không quay lại được: các câu trước đã được niêm phong (sau khi hệ thống khởi động lại). Đây là câu bạn đang trả lời:',
  'surveys.badAnswer': 'Câu trả lời không hợp lệ. Vui lòng chọn lại:',
  'surveys.tooLong':
    'Câu trả lời dài quá {max} ký tự. Vui lòng viết ngắn lại rồi gửi lại. Không có gì thay đổi.',
  'surveys.alreadyFinished':
    'Bạn đã hoàn thành phiếu này rồi — mỗi người chỉ trả lời một lần. Không có gì thay đổi.',
  'surveys.closed': 'Phiếu khảo sát này đã đóng. Không có gì thay đổi.',
  'surveys.notAudience':
    'Cảm ơn bạn! Phiếu này chỉ dành cho người lao động của các đơn vị được hỏi, xác định lúc phiếu mở. Không có gì được ghi nhận.',
  'surveys.unknown': 'Không có phiếu khảo sát này. Gõ /lamkhaosat để xem các phiếu đang mở.',
  'surveys.notStarted': 'Bạn chưa bắt đầu phiếu này. Gõ /lamkhaosat để bắt đầu.',
  'surveys.noneOpen': 'Hiện không có phiếu khảo sát nào đang mở cho bạn.',
  'surveys.pick': 'Có nhiều phiếu đang mở cho bạn. Chọn một phiếu:',
  'surveys.toast.saved': '✓ Đã lưu',
  'surveys.toast.sentToDm': '📩 Câu hỏi đã được gửi vào tin nhắn riêng của bạn với bot.',
  'surveys.toast.openDm':
    'Bot chưa nhắn riêng được cho bạn. Hãy mở tin nhắn riêng với bot, bấm Bắt đầu rồi gửi /lamkhaosat {id}.',
  'surveys.reminder':
    '⏰ Còn {hours} giờ để làm phiếu khảo sát #{id} — {title} ({total} câu, ẩn danh). Ai đã làm xong thì không cần làm lại.',
  'surveys.reminder.unfinished':
    '⏰ Bạn đang làm dở phiếu khảo sát #{id} — {title} (đến câu {n}/{total}). Còn {hours} giờ: bấm nút để làm tiếp, hoặc gửi /lamkhaosat {id}. Tin này chỉ gửi cho bạn; không ai khác biết bạn đã làm tới đâu.',
  'surveys.continue': '↩️ Làm tiếp',
  'surveys.announce':
    '📝 Phiếu khảo sát #{id} — {title}\n{total} câu, ẩn danh, trả lời trong tin nhắn riêng với bot. Kết quả chỉ công bố theo nhóm từ {k} người trở lên.\n⏳ Hạn: {time}',
  'surveys.create.done':
    'Đã mở phiếu khảo sát #{id} ({total} câu), đăng vào {groups} nhóm. Hạn: {time}. Người lao động cũng có thể gửi /lamkhaosat {id} trong tin nhắn riêng với bot.',
  'surveys.create.whichUnits':
    'Hãy ghi --units MÃ,MÃ (hoặc gõ lệnh trong nhóm đã gắn đơn vị). Không có gì thay đổi.',
  'surveys.create.badCloses':
    'Hạn "{value}" không hợp lệ: ghi thời lượng từ 10m đến 90d (ví dụ 72h) hoặc ngày giờ 2026-12-01T17:00. Không có gì thay đổi.',
  'surveys.create.badUnits':
    'Danh sách đơn vị "{value}" không hợp lệ (ví dụ --units CB1,CB2). Không có gì thay đổi.',
  'surveys.create.badSize': '--size phải từ 1 đến {max}. Không có gì thay đổi.',
  'surveys.unknownKey': 'Không có mẫu phiếu "{key}". Gõ /khaosat list để xem các mẫu. Không có gì thay đổi.',
  'surveys.unknownId': 'Không có phiếu khảo sát #{id}.',
  'surveys.closeRefused': 'Phiếu #{id} không còn mở. Không có gì thay đổi.',
  'surveys.closedNow': 'Đã đóng phiếu #{id}. Xem kết quả: /khaosat results {id}',
  'surveys.closingNow': 'Phiếu #{id} đang đóng: chờ các máy chủ khác ghi nốt câu trả lời (vài giây).',
  'surveys.pulseTitle': 'Khảo sát nhanh định kỳ — lượt {run}',
  'surveys.list.templates': 'Mẫu phiếu (tệp kịch bản):',
  'surveys.list.bank': 'Ngân hàng câu hỏi: {n} câu (dùng /khaosat pulse).',
  'surveys.list.recent': 'Phiếu gần đây:',
  'surveys.list.none': '(chưa có)',
  'surveys.status.open': 'đang mở',
  'surveys.status.closing': 'đang đóng',
  'surveys.status.closed': 'đã đóng',
  'surveys.results.header': '📊 Kết quả phiếu khảo sát #{id} — {title}',
  'surveys.results.notClosed': 'Phiếu đang mở: kết quả chỉ công bố khi phiếu đóng.',
  'surveys.results.finished': 'Số người hoàn thành (các đơn vị từ {k} người): {n}',
  'surveys.results.withheld': 'Chưa đủ câu trả lời để giữ ẩn danh (cần ít nhất {k} trong một đơn vị).',
  'surveys.results.all': 'Toàn bộ ({n})',
  'surveys.results.mean': 'điểm TB {mean}/5',
  'surveys.results.nps': 'chỉ số eNPS {index} (ủng hộ {p}% · không ủng hộ {d}%)',
  'surveys.results.yesno': 'Có {yes}% · Không {no}%',
  'surveys.results.texts': '💬 {n} ý kiến:',
  'surveys.results.footnote':
    'Đơn vị có dưới {k} câu trả lời (dưới {kText} với câu tự luận) không được hiển thị và không được cộng vào tổng.',
  'surveys.results.lost': '⚠️ {n} phiếu bị mất do máy chủ dừng đột ngột trước khi ghi.',
  'surveys.heatmap.title': 'Bản đồ nhiệt phiếu #{id} — {title}',
  'surveys.heatmap.question': 'Câu {n}',
  'surveys.heatmap.unit': 'Đơn vị',
  'surveys.heatmap.legend': 'Ô trống: dưới {k} câu trả lời, không hiển thị. Đỏ: thấp · xanh: cao.',
  'surveys.heatmap.trendWords': 'tăng · giảm · như cũ, so với phiếu #{id}.',
  'surveys.heatmap.notClosed': 'Phiếu #{id} chưa đóng: bản đồ nhiệt chỉ có khi phiếu đã đóng.',
  'surveys.heatmap.empty': 'Phiếu #{id}: chưa đơn vị nào đủ câu trả lời để hiển thị.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.khaosat': 'open a multi-question survey (anonymous), read results, close it',
  'cmd.lamkhaosat': 'answer (or resume) a survey in your DM with the bot',
  'usage.khaosat':
    'Usage: /khaosat list|start TEMPLATE_KEY|pulse|results N|heatmap N|close N [flags] (details below)\n/khaosat list — survey templates and recent surveys\n/khaosat start TEMPLATE_KEY [--units CODE,CODE] [--closes 72h|2026-12-01T17:00] — open a survey from a scenario file\n/khaosat pulse [--size 5] [--units CODE,CODE] [--closes 72h] — a short survey rotating through the question bank\n/khaosat results SURVEY_NUMBER — results (once closed)\n/khaosat heatmap SURVEY_NUMBER — heat map unit × question (PNG, table, CSV)\n/khaosat close SURVEY_NUMBER — close early\nExample: /khaosat start quy-4 --units CB1,CB2 --closes 72h',
  'usage.lamkhaosat':
    'Usage: /lamkhaosat [SURVEY_NUMBER] (in your DM with the bot). Without a number: the surveys open for you. Example: /lamkhaosat 3',
  'surveys.yes': 'Yes',
  'surveys.no': 'No',
  'surveys.back': '⬅️ Back',
  'surveys.skip': '⏭ Skip',
  'surveys.take': '📝 Take the survey',
  'surveys.question.header': '📝 Survey #{id} — {title}\nQuestion {n}/{total}',
  'surveys.hint.scale': 'Pick from 1 (very unhappy) to 5 (very happy).',
  'surveys.hint.choice': 'Pick one answer.',
  'surveys.hint.nps': 'Pick from 0 (certainly not) to 10 (certainly).',
  'surveys.hint.text': 'Type your answer and send it (or tap «Skip»).',
  'surveys.intro':
    'This survey has {total} questions and is fully anonymous: answers are not tied to your name and are only added up in batches of at least {k} people. You may skip any question.',
  'surveys.resume': '↩️ You carry on from question {n}/{total}.',
  'surveys.done':
    '✅ Done! Thank you. Your answers are sealed anonymously: added up in a batch of {k} people or when the survey closes (a server crash before that may lose them). Results are published only with enough answers.',
  'surveys.stale': 'That question is behind you. This is the question you are on:',
  'surveys.sealed':
    'You cannot go back: the earlier answers are already sealed (after a restart). This is the question you are on:',
  'surveys.badAnswer': 'That answer is not valid. Please pick again:',
  'surveys.tooLong':
    'The answer is longer than {max} characters. Please shorten it and send it again. Nothing was changed.',
  'surveys.alreadyFinished':
    'You have already finished this survey — one answer per person. Nothing was changed.',
  'surveys.closed': 'This survey is closed. Nothing was changed.',
  'surveys.notAudience':
    'Thank you! This survey is only for the workers of the units asked, fixed when it opened. Nothing was recorded.',
  'surveys.unknown': 'There is no such survey. Send /lamkhaosat to see the open ones.',
  'surveys.notStarted': 'You have not started this survey. Send /lamkhaosat to start.',
  'surveys.noneOpen': 'No survey is open for you right now.',
  'surveys.pick': 'Several surveys are open for you. Pick one:',
  'surveys.toast.saved': '✓ Saved',
  'surveys.toast.sentToDm': '📩 The questions were sent to your DM with the bot.',
  'surveys.toast.openDm':
    'The bot cannot message you yet. Open a DM with the bot, tap Start, then send /lamkhaosat {id}.',
  'surveys.reminder':
    '⏰ {hours} hours left to take survey #{id} — {title} ({total} questions, anonymous). If you have finished it, there is nothing more to do.',
  'surveys.reminder.unfinished':
    '⏰ You have not finished survey #{id} — {title} (you are at question {n}/{total}). {hours} hours left: tap to carry on, or send /lamkhaosat {id}. Only you get this message; nobody else knows how far you got.',
  'surveys.continue': '↩️ Carry on',
  'surveys.announce':
    '📝 Survey #{id} — {title}\n{total} questions, anonymous, answered in a DM with the bot. Results are only published for groups of {k} people or more.\n⏳ Closes: {time}',
  'surveys.create.done':
    'Survey #{id} ({total} questions) is open, posted to {groups} groups. Closes: {time}. Workers can also send /lamkhaosat {id} in a DM with the bot.',
  'surveys.create.whichUnits':
    'Give --units CODE,CODE (or run the command in a group bound to a unit). Nothing was changed.',
  'surveys.create.badCloses':
    'The closing time "{value}" is not valid: give a duration from 10m to 90d (e.g. 72h) or a date-time 2026-12-01T17:00. Nothing was changed.',
  'surveys.create.badUnits':
    'The unit list "{value}" is not valid (e.g. --units CB1,CB2). Nothing was changed.',
  'surveys.create.badSize': '--size must be from 1 to {max}. Nothing was changed.',
  'surveys.unknownKey':
    'There is no survey template "{key}". Send /khaosat list to see them. Nothing was changed.',
  'surveys.unknownId': 'There is no survey #{id}.',
  'surveys.closeRefused': 'Survey #{id} is not open. Nothing was changed.',
  'surveys.closedNow': 'Survey #{id} is closed. Results: /khaosat results {id}',
  'surveys.closingNow':
    'Survey #{id} is closing: waiting for other servers to write their last answers (a few seconds).',
  'surveys.pulseTitle': 'Recurring pulse — run {run}',
  'surveys.list.templates': 'Survey templates (scenario files):',
  'surveys.list.bank': 'Question bank: {n} questions (use /khaosat pulse).',
  'surveys.list.recent': 'Recent surveys:',
  'surveys.list.none': '(none yet)',
  'surveys.status.open': 'open',
  'surveys.status.closing': 'closing',
  'surveys.status.closed': 'closed',
  'surveys.results.header': '📊 Results of survey #{id} — {title}',
  'surveys.results.notClosed': 'The survey is open: results are published only once it closes.',
  'surveys.results.finished': 'People who finished (units of at least {k}): {n}',
  'surveys.results.withheld': 'Not enough answers to stay anonymous (at least {k} in one unit needed).',
  'surveys.results.all': 'All ({n})',
  'surveys.results.mean': 'mean {mean}/5',
  'surveys.results.nps': 'eNPS {index} (promoters {p}% · detractors {d}%)',
  'surveys.results.yesno': 'Yes {yes}% · No {no}%',
  'surveys.results.texts': '💬 {n} comments:',
  'surveys.results.footnote':
    'Units with fewer than {k} answers (fewer than {kText} for open text) are not shown and not added to any total.',
  'surveys.results.lost': '⚠️ {n} answers were lost: a server stopped abruptly before writing them.',
  'surveys.heatmap.title': 'Heat map of survey #{id} — {title}',
  'surveys.heatmap.question': 'Q{n}',
  'surveys.heatmap.unit': 'Unit',
  'surveys.heatmap.legend': 'Blank: fewer than {k} answers, not shown. Red: low · green: high.',
  'surveys.heatmap.trendWords': 'up · down · unchanged, against survey #{id}.',
  'surveys.heatmap.notClosed': 'Survey #{id} is not closed: the heat map exists only once it is.',
  'surveys.heatmap.empty': 'Survey #{id}: no unit has enough answers to show yet.',
} as const;
