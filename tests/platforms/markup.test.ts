import { describe, expect, it } from 'vitest';
import { markupToPlain } from '../../bot/kernel/markup';
import { markupToSlack } from '../../bot/platforms/slack/markup';

const source = '**Nhiệm vụ 1** _khẩn_\n- Đọc [Công văn 230](https://example.vn/cv?a=1|2) <@channel> & ký';

describe('markup on Slack and plain platforms', () => {
  it('becomes mrkdwn on Slack with every piece of text escaped', () => {
    expect(markupToSlack(source)).toBe(
      '*Nhiệm vụ 1* _khẩn_\n• Đọc <https://example.vn/cv?a=1%7C2|Công văn 230> &lt;@channel&gt; &amp; ký',
    );
  });

  it('loses its markers on platforms without formatting (Zalo, the plain text of the sandbox API)', () => {
    expect(markupToPlain(source)).toBe(
      'Nhiệm vụ 1 khẩn\n• Đọc Công văn 230 (https://example.vn/cv?a=1|2) <@channel> & ký',
    );
  });
});
