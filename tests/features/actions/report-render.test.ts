import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  NONE,
  renderChatText,
  renderDocx,
  renderMarkdown,
  shown,
  WITHHELD,
} from '../../../bot/features/reports';
import { fixtureReport, hcm } from '../reports/fixture';

function withLoop() {
  const report = fixtureReport();
  const unit = { id: 99, code: 'CB1', name: 'Chi bộ 1' };
  report.loop = {
    dialogues: [{ unit, closedAt: hcm(2024, 3, 20), questions: 8, answered: 2, votes: WITHHELD }],
    actions: [
      {
        id: 7,
        unit,
        topic: 'lương',
        text: 'Trả lương đúng ngày 5',
        doneAt: hcm(2024, 3, 10),
        before: shown(2),
        after: shown(4.333),
      },
      { id: 8, unit, topic: 'an-toàn', text: 'Thay quạt gió', doneAt: null, before: NONE, after: NONE },
    ],
  };
  return report;
}

describe('dialogues and actions in the report', () => {
  it('Markdown: a section with the dialogues (upvotes below k withheld) and the actions before/after', () => {
    const md = renderMarkdown(withLoop(), 'vi');
    expect(md).toContain('### Đối thoại và «Anh chị đã nói, chúng tôi đã làm»');
    expect(md).toContain('| Chi bộ 1 (CB1) | 20/03/2024 | 8 | 2 | ẩn\\* |');
    expect(md).toContain('| Chi bộ 1 (CB1) | lương | Trả lương đúng ngày 5 | 10/03/2024 | 2,0 | 4,3 |');
    expect(md).toContain('| Chi bộ 1 (CB1) | an-toàn | Thay quạt gió | chưa | — | — |');
    expect(md.indexOf('Đối thoại và')).toBeLessThan(md.indexOf('IV. '));
  });

  it('Word and chat text carry the same; a report without them is unchanged', async () => {
    const xml = strFromU8(unzipSync(await renderDocx(withLoop(), 'en'))['word/document.xml']!);
    expect(xml).toContain('Dialogues and “you said, we did”');
    expect(xml).toContain('Trả lương đúng ngày 5');
    expect(renderChatText(withLoop(), 'vi')).toContain('📣 #7 Chi bộ 1 · lương: trước 2,0 → sau 4,3');
    expect(renderMarkdown(fixtureReport(), 'vi')).not.toContain('Đối thoại và');
  });
});
