/** Messages of closing the loop: actions and "you said, we did". */
export const vi = {
  'cmd.action': 'ghi một hành động đã làm cho đơn vị và báo «Anh chị đã nói, chúng tôi đã làm»',
  'usage.action':
    'Cách dùng: /hanhdong MÃ_ĐƠN_VỊ CHỦ_ĐỀ NỘI_DUNG | done SỐ | list [MÃ_ĐƠN_VỊ]\n/hanhdong MÃ_ĐƠN_VỊ CHỦ_ĐỀ NỘI_DUNG — ghi hành động (CHỦ_ĐỀ là một từ, ví dụ lương, an-toàn)\n/hanhdong done SỐ — đánh dấu đã làm xong\n/hanhdong list [MÃ_ĐƠN_VỊ] — các hành động và kết quả trước/sau\nVí dụ: /hanhdong CB-KT lương Từ tháng 12 trả lương đúng ngày 5',
  'actions.unknownUnit': 'Không có đơn vị mã {code}.',
  'actions.unknown': 'Không có hành động #{id}.',
  'actions.tooLong': 'Nội dung dài quá {max} ký tự. Chưa lưu gì.',
  'actions.recorded':
    '📝 Đã ghi hành động #{id} cho {unit} (chủ đề: {topic}). Khi làm xong, bấm nút dưới đây hoặc gõ /hanhdong done {id}: Pulse sẽ báo vào nhóm của đơn vị và vài ngày sau hỏi lại người lao động.',
  'actions.doneButton': '✅ Đã làm xong',
  'actions.done':
    '✅ Hành động #{id} đã xong. Đã báo {groups} nhóm; câu hỏi tiếp theo về «{topic}» sẽ gửi lúc {time}.',
  'actions.alreadyDone': 'Hành động #{id} đã được đánh dấu xong lúc {time}. Không có gì thay đổi.',
  'actions.announce':
    '📣 Anh chị đã nói, chúng tôi đã làm — {unit}\n\nVề: {topic}\n{text}\n\nCảm ơn anh chị đã góp ý. Vài ngày tới Pulse sẽ hỏi lại một câu ngắn, ẩn danh, xem mọi việc đã tốt hơn chưa.',
  'actions.followUpQuestion': 'Sau việc «{text}», anh chị thấy vấn đề {topic} bây giờ thế nào?',
  'actions.list.title': '📝 Hành động — {scope}',
  'actions.list.item': '#{id} · {unit} · {topic} · {state}\n{text}\nTrước: {before} · Sau: {after}',
  'actions.list.empty': 'Chưa có hành động nào.',
  'actions.state.open': '⏳ đang làm',
  'actions.state.done': '✅ xong {time}',
  'actions.mean': '{mean}/5 ({n} câu trả lời)',
  'actions.noFigure': 'chưa đủ câu trả lời',
  'actions.scopeAll': 'các đơn vị bạn phụ trách',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.action': 'record an action taken for a unit and tell it “you said, we did”',
  'usage.action':
    'Usage: /hanhdong UNIT_CODE TOPIC TEXT | done NUMBER | list [UNIT_CODE]\n/action UNIT_CODE TOPIC TEXT — record an action (TOPIC is one word, e.g. wages, safety)\n/action done NUMBER — mark it done\n/action list [UNIT_CODE] — the actions and their before/after figures\nExample: /action CB-KT wages From December wages are paid on the 5th',
  'actions.unknownUnit': 'There is no unit with code {code}.',
  'actions.unknown': 'There is no action #{id}.',
  'actions.tooLong': 'The text is longer than {max} characters. Nothing was saved.',
  'actions.recorded':
    '📝 Action #{id} is recorded for {unit} (topic: {topic}). When it is done, tap the button below or type /action done {id}: Pulse tells the unit’s groups and asks the workers again a few days later.',
  'actions.doneButton': '✅ Done',
  'actions.done':
    '✅ Action #{id} is done. {groups} groups were told; the follow-up question on “{topic}” goes at {time}.',
  'actions.alreadyDone': 'Action #{id} was already marked done at {time}. Nothing was changed.',
  'actions.announce':
    '📣 You said, we did — {unit}\n\nAbout: {topic}\n{text}\n\nThank you for your feedback. In a few days Pulse will ask one short anonymous question to see whether things are better.',
  'actions.followUpQuestion': 'After “{text}”, how do you find {topic} now?',
  'actions.list.title': '📝 Actions — {scope}',
  'actions.list.item': '#{id} · {unit} · {topic} · {state}\n{text}\nBefore: {before} · After: {after}',
  'actions.list.empty': 'No action yet.',
  'actions.state.open': '⏳ in progress',
  'actions.state.done': '✅ done {time}',
  'actions.mean': '{mean}/5 ({n} answers)',
  'actions.noFigure': 'not enough answers',
  'actions.scopeAll': 'the units you lead',
};
