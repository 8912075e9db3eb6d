/** Messages of situation reports: requests to the cells, drafting in chat, follow-up, the compiled report. */
export const vi = {
  'cmd.yeucau': 'yêu cầu các chi bộ gửi báo cáo tình hình dư luận',
  'cmd.requests': 'các yêu cầu báo cáo: đơn vị đã gửi, gửi muộn, chưa gửi',
  'cmd.tonghop': 'bản tổng hợp báo cáo của một yêu cầu (Word và Markdown)',
  'cmd.ctv': 'mạng lưới cộng tác viên dư luận theo đơn vị',
  'usage.yeucau':
    'Cách dùng: /yeucau MÃ_ĐƠN_VỊ … --until HẠN [--template MẪU] [TIÊU ĐỀ]\nHẠN: 17:00 (hôm nay), 05/12 (hết ngày), 05/12-17:00, hoặc 48h, 2d. MẪU: thang (mặc định), dot-xuat.\nVí dụ: /yeucau DU-CTY --until 17:00 --template dot-xuat Dư luận về việc điều chỉnh ca làm việc',
  'usage.requests': 'Cách dùng: /requests [MÃ_YÊU_CẦU]. Ví dụ: /requests hoặc /requests 12',
  'usage.tonghop': 'Cách dùng: /tonghop MÃ_YÊU_CẦU. Ví dụ: /tonghop 12',
  'usage.ctv': 'Cách dùng: /ctv [MÃ_ĐƠN_VỊ]. Ví dụ: /ctv hoặc /ctv DU-CTY',
  'sr.adhocTitle': 'Báo cáo đột xuất tình hình tư tưởng, dư luận xã hội',
  'sr.request':
    '📝 Yêu cầu báo cáo #{id}: {title}\nĐơn vị: {unit}\nHạn gửi: {deadline}\n\nCác mục cần báo cáo:\n{sections}\n\nBấm «Viết báo cáo» để trả lời từng mục ngay trong tin nhắn này.',
  'sr.remind': '🔔 Nhắc: {unit} chưa gửi báo cáo #{id} ({title}). Hạn gửi: {deadline}.\n\n{sections}',
  'sr.escalate.unit':
    '⏰ {unit} chưa gửi báo cáo #{id} ({title}), hạn {deadline} đã đến. Đồng chí là lãnh đạo đơn vị: xin gửi báo cáo hoặc xác nhận bản nháp của cộng tác viên.\n\n{sections}',
  'sr.escalate.parent':
    '⚠️ {unit} vẫn chưa gửi báo cáo #{id} ({title}), đã quá hạn {deadline} một ngày. Đề nghị đồng chí đôn đốc đơn vị.',
  'sr.button.write': '✍️ Viết báo cáo',
  'sr.button.send': '📤 Gửi báo cáo',
  'sr.button.toLeader': '📤 Chuyển lãnh đạo xác nhận',
  'sr.button.confirm': '✅ Xác nhận và gửi',
  'sr.prompt': '✍️ Mục {n}/{total}: {section}',
  'sr.prompt.current': 'Nội dung hiện có:\n{text}',
  'sr.prompt.text': 'Trả lời bằng một tin nhắn (tối đa {max} ký tự).',
  'sr.prompt.textFirst':
    'Trả lời bằng một tin nhắn (tối đa {max} ký tự). Có thể dán cả báo cáo trong một tin, mỗi mục bắt đầu bằng số thứ tự: «1. …», «2. …».',
  'sr.prompt.mood': 'Chọn từ 1 (rất lo lắng, bức xúc) đến 5 (phấn khởi, yên tâm), hoặc gõ một số từ 1 đến 5.',
  'sr.summary.title':
    '📋 Bản nháp báo cáo của {unit}\n{title} — hạn {deadline}\nBấm ✏️ để sửa một mục trước khi gửi.',
  'sr.summary.empty': '(chưa có nội dung)',
  'sr.empty': 'Mục «{section}» đang trống. Hãy viết nội dung rồi gửi lại. Chưa lưu gì.',
  'sr.tooLong.section':
    'Mục «{section}» dài {length} ký tự, quá {max} ký tự cho phép. Hãy rút gọn rồi gửi lại. Chưa lưu gì.',
  'sr.tooLong.report':
    'Tin nhắn dài {length} ký tự, quá {max} ký tự cho phép. Hãy gửi từng mục. Chưa lưu gì.',
  'sr.badMood': 'Tâm trạng chung là một số từ 1 đến 5. Chưa lưu gì.',
  'sr.missingSections': 'Chưa gửi được: các mục {sections} chưa có nội dung. Bấm ✏️ để viết.',
  'sr.sent': '✅ Đã gửi báo cáo của {unit} ({title}). Cảm ơn đồng chí.',
  'sr.sent.late': '✅ Đã nhận báo cáo của {unit} ({title}), ghi nhận là gửi muộn (sau hạn).',
  'sr.toLeader': '📨 Đã chuyển bản nháp tới lãnh đạo {unit} để xác nhận và gửi.',
  'sr.toLeader.none':
    'Bản nháp đã hoàn tất nhưng {unit} chưa có lãnh đạo trong Pulse để xác nhận. Đề nghị quản trị viên gán vai trò lãnh đạo.',
  'sr.confirmAsk':
    '📨 {author} đã soạn báo cáo của {unit}. Đồng chí xem, sửa nếu cần, rồi bấm «Xác nhận và gửi».',
  'sr.awaitingLeader': 'Báo cáo của {unit} đang chờ lãnh đạo xác nhận. Không có gì thay đổi.',
  'sr.alreadySent':
    'Báo cáo của {unit} đã được gửi lúc {at}. Mỗi đơn vị gửi một báo cáo cho mỗi yêu cầu. Không có gì thay đổi.',
  'sr.notReporter':
    'Chỉ lãnh đạo và cộng tác viên dư luận của {unit} mới viết và gửi báo cáo này. Không có gì thay đổi.',
  'sr.unknownRequest': 'Không có yêu cầu báo cáo #{id} (hoặc đồng chí không xem được). Không có gì thay đổi.',
  'sr.unknownUnit': 'Không có đơn vị mã «{code}». Không có gì thay đổi.',
  'sr.unknownTemplate': 'Không có mẫu báo cáo «{name}». Các mẫu: {known}. Không có gì thay đổi.',
  'sr.badUntil':
    '«{value}» không phải là hạn gửi. Ví dụ: 17:00, 05/12, 05/12-17:00, 48h. Không có gì thay đổi.',
  'sr.untilPast': 'Hạn «{value}» đã qua. Hãy chọn một thời điểm sau bây giờ. Không có gì thay đổi.',
  'sr.noTargets': 'Không có chi bộ nào dưới các đơn vị này để yêu cầu báo cáo. Không có gì thay đổi.',
  'sr.asked':
    '📝 Đã gửi yêu cầu báo cáo #{id} tới {count} đơn vị, hạn {deadline}. Xem tiến độ: /requests {id}',
  'sr.requests.none': 'Chưa có yêu cầu báo cáo nào.',
  'sr.requests.head':
    '📝 #{id} {title} — hạn {deadline}\nĐã gửi {submitted}, gửi muộn {late}, chưa gửi {missing} / {total} đơn vị',
  'sr.requests.headPast':
    '📝 #{id} {title} — đã hết hạn {deadline}\nĐúng hạn {submitted}, gửi muộn {late}, chưa gửi {missing} / {total} đơn vị',
  'sr.status.submitted': '  ✅ {unit}: đã gửi {at}',
  'sr.status.late': '  ⏰ {unit}: gửi muộn {at}',
  'sr.status.awaiting': '  ✍️ {unit}: chờ lãnh đạo xác nhận',
  'sr.status.draft': '  ✍️ {unit}: đang soạn',
  'sr.status.missing': '  ❌ {unit}: chưa gửi',
  'sr.compiled.title': 'Tổng hợp tình hình tư tưởng, dư luận xã hội',
  'sr.compiled.request': 'Yêu cầu #{id}: {title}',
  'sr.compiled.scope': 'Phạm vi: {unit} — hạn gửi {deadline}',
  'sr.compiled.counts': 'Số đơn vị đã gửi: {submitted}/{total} (gửi muộn: {late})',
  'sr.compiled.missing': 'Chưa gửi: {units}',
  'sr.compiled.moodMean': 'Tâm trạng chung bình quân: {mean}/5 ({n} đơn vị)',
  'sr.compiled.noAnswer': '(không có đơn vị nào báo cáo mục này)',
  'sr.compiled.lateMark': '[gửi muộn]',
  'sr.compiled.network': 'Mạng lưới cộng tác viên',
  'sr.compiled.measured': 'Số liệu Pulse ghi nhận trong tháng',
  'sr.compiled.caption': '📑 Tổng hợp báo cáo #{id}: {title}',
  'sr.compiled.inDm': '📑 Bản tổng hợp có tên người báo cáo nên được gửi vào tin nhắn riêng của đồng chí.',
  'sr.ctv.title': '👥 Mạng lưới cộng tác viên dư luận xã hội',
  'sr.ctv.last': '    – {name}: báo cáo gần nhất {at}',
  'sr.ctv.never': '    – {name}: chưa báo cáo lần nào',
  'sr.ctv.coverage': 'Độ phủ: {covered}/{total} chi bộ có cộng tác viên.',
  'sr.ctv.without': 'Chưa có cộng tác viên: {units}',
  'sr.ctv.neverList': 'Chưa báo cáo lần nào: {names}',
  'sr.ctv.none': 'Không có chi bộ nào trong phạm vi này.',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'cmd.yeucau': 'ask the cells for a situation report',
  'cmd.requests': 'report requests: units that submitted, were late, are missing',
  'cmd.tonghop': 'the compiled report of a request (Word and Markdown)',
  'cmd.ctv': 'the network of opinion collaborators per unit',
  'usage.yeucau':
    'Usage: /yeucau UNIT_CODE … --until DEADLINE [--template NAME] [TITLE]\nDEADLINE: 17:00 (today), 05/12 (end of day), 05/12-17:00, or 48h, 2d. NAME: thang (default), dot-xuat.\nExample: /yeucau DU-CTY --until 17:00 --template dot-xuat Opinion on the new shift pattern',
  'usage.requests': 'Usage: /requests [REQUEST_ID]. Example: /requests or /requests 12',
  'usage.tonghop': 'Usage: /tonghop REQUEST_ID. Example: /tonghop 12',
  'usage.ctv': 'Usage: /ctv [UNIT_CODE]. Example: /ctv or /ctv DU-CTY',
  'sr.adhocTitle': 'Ad hoc report on the state of opinion',
  'sr.request':
    '📝 Report request #{id}: {title}\nUnit: {unit}\nDue: {deadline}\n\nSections to report:\n{sections}\n\nTap “Write the report” to answer section by section right here.',
  'sr.remind': '🔔 Reminder: {unit} has not sent report #{id} ({title}). Due: {deadline}.\n\n{sections}',
  'sr.escalate.unit':
    '⏰ {unit} has not sent report #{id} ({title}), due {deadline}. As the unit’s leader, please send it or confirm your collaborator’s draft.\n\n{sections}',
  'sr.escalate.parent':
    '⚠️ {unit} still has not sent report #{id} ({title}), a day past {deadline}. Please follow up with the unit.',
  'sr.button.write': '✍️ Write the report',
  'sr.button.send': '📤 Send the report',
  'sr.button.toLeader': '📤 Pass to the leader to confirm',
  'sr.button.confirm': '✅ Confirm and send',
  'sr.prompt': '✍️ Section {n}/{total}: {section}',
  'sr.prompt.current': 'Current text:\n{text}',
  'sr.prompt.text': 'Answer in one message (at most {max} characters).',
  'sr.prompt.textFirst':
    'Answer in one message (at most {max} characters). You can also paste the whole report in one message, each section starting with its number: “1. …”, “2. …”.',
  'sr.prompt.mood':
    'Choose from 1 (very worried, upset) to 5 (confident, at ease), or type a number from 1 to 5.',
  'sr.summary.title':
    '📋 Draft report of {unit}\n{title} — due {deadline}\nTap ✏️ to edit a section before sending.',
  'sr.summary.empty': '(empty)',
  'sr.empty': 'Section “{section}” is empty. Write something and send it again. Nothing was saved.',
  'sr.tooLong.section':
    'Section “{section}” is {length} characters, over the {max} allowed. Please shorten it and send it again. Nothing was saved.',
  'sr.tooLong.report':
    'The message is {length} characters, over the {max} allowed. Send one section at a time. Nothing was saved.',
  'sr.badMood': 'The overall mood is a number from 1 to 5. Nothing was saved.',
  'sr.missingSections': 'Not sent: sections {sections} are empty. Tap ✏️ to write them.',
  'sr.sent': '✅ The report of {unit} ({title}) is sent. Thank you.',
  'sr.sent.late': '✅ The report of {unit} ({title}) is received, marked late (after the deadline).',
  'sr.toLeader': '📨 The draft went to the leaders of {unit} to confirm and send.',
  'sr.toLeader.none':
    'The draft is complete, but {unit} has no leader in Pulse to confirm it. Please ask an admin to grant the leader role.',
  'sr.confirmAsk':
    '📨 {author} drafted the report of {unit}. Review it, edit if needed, then tap “Confirm and send”.',
  'sr.awaitingLeader': 'The report of {unit} is waiting for its leader’s confirmation. Nothing changed.',
  'sr.alreadySent':
    'The report of {unit} was sent at {at}. Each unit sends one report per request. Nothing changed.',
  'sr.notReporter':
    'Only the leaders and opinion collaborators of {unit} write and send this report. Nothing changed.',
  'sr.unknownRequest': 'There is no report request #{id} (or you cannot see it). Nothing changed.',
  'sr.unknownUnit': 'There is no unit with code “{code}”. Nothing changed.',
  'sr.unknownTemplate': 'There is no report template “{name}”. Templates: {known}. Nothing changed.',
  'sr.badUntil': '“{value}” is not a deadline. Examples: 17:00, 05/12, 05/12-17:00, 48h. Nothing changed.',
  'sr.untilPast': 'The deadline “{value}” has passed. Choose a time after now. Nothing changed.',
  'sr.noTargets': 'There is no cell under these units to ask. Nothing changed.',
  'sr.asked': '📝 Report request #{id} sent to {count} units, due {deadline}. Progress: /requests {id}',
  'sr.requests.none': 'No report requests yet.',
  'sr.requests.head':
    '📝 #{id} {title} — due {deadline}\nSent {submitted}, late {late}, missing {missing} / {total} units',
  'sr.requests.headPast':
    '📝 #{id} {title} — past its deadline {deadline}\nOn time {submitted}, late {late}, missing {missing} / {total} units',
  'sr.status.submitted': '  ✅ {unit}: sent {at}',
  'sr.status.late': '  ⏰ {unit}: sent late {at}',
  'sr.status.awaiting': '  ✍️ {unit}: waiting for the leader',
  'sr.status.draft': '  ✍️ {unit}: drafting',
  'sr.status.missing': '  ❌ {unit}: missing',
  'sr.compiled.title': 'Compiled report on the state of mind and public opinion',
  'sr.compiled.request': 'Request #{id}: {title}',
  'sr.compiled.scope': 'Scope: {unit} — due {deadline}',
  'sr.compiled.counts': 'Units that reported: {submitted}/{total} (late: {late})',
  'sr.compiled.missing': 'Missing: {units}',
  'sr.compiled.moodMean': 'Mean overall mood: {mean}/5 ({n} units)',
  'sr.compiled.noAnswer': '(no unit reported this section)',
  'sr.compiled.lateMark': '[late]',
  'sr.compiled.network': 'The collaborators’ network',
  'sr.compiled.measured': 'What Pulse measured in the month',
  'sr.compiled.caption': '📑 Compiled report #{id}: {title}',
  'sr.compiled.inDm': '📑 The compiled report names who reported, so it goes to your private chat.',
  'sr.ctv.title': '👥 The network of opinion collaborators',
  'sr.ctv.last': '    – {name}: last report {at}',
  'sr.ctv.never': '    – {name}: never reported',
  'sr.ctv.coverage': 'Coverage: {covered}/{total} cells have a collaborator.',
  'sr.ctv.without': 'No collaborator: {units}',
  'sr.ctv.neverList': 'Never reported: {names}',
  'sr.ctv.none': 'There is no cell in this scope.',
};
