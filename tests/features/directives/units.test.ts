import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../bot/features/directives/schedule';
import { occurrencesBetween } from '../../../bot/features/directives/schedule';
import { markupToPlain } from '../../../bot/kernel/markup';
import { parseDateTimeParts, toInstant } from '../../../bot/kernel/time';
import { markupToHtml } from '../../../bot/platforms/telegram/markup';
import { SendLimiter } from '../../../bot/runtime/delivery/budget';

const TZ = 'Asia/Ho_Chi_Minh';

describe('markup', () => {
  it('renders bold, italic, links and bullets, escaping everything the author typed', () => {
    const source =
      '**Chú ý** _khẩn_ <b>không phải thẻ</b> & [xem](https://a.vn/?x=1&y="2")\n- mục 1\nsnake_case_name';
    expect(markupToHtml(source)).toBe(
      '<b>Chú ý</b> <i>khẩn</i> &lt;b&gt;không phải thẻ&lt;/b&gt; &amp; <a href="https://a.vn/?x=1&amp;y=&quot;2&quot;">xem</a>\n• mục 1\nsnake_case_name',
    );
    expect(markupToPlain(source)).toBe(
      'Chú ý khẩn <b>không phải thẻ</b> & xem (https://a.vn/?x=1&y="2")\n• mục 1\nsnake_case_name',
    );
  });
});

describe('schedules', () => {
  it('reads local date-times in the organisation’s zone unless an offset is written', () => {
    expect(toInstant(parseDateTimeParts('2024-03-15 08:00')!, TZ).toISOString()).toBe(
      '2024-03-15T01:00:00.000Z',
    );
    expect(toInstant(parseDateTimeParts('2024-03-15T08:00+09:00')!, TZ).toISOString()).toBe(
      '2024-03-14T23:00:00.000Z',
    );
    expect(toInstant(parseDateTimeParts('2024-12-31')!, TZ, true).toISOString()).toBe(
      '2024-12-31T16:59:59.000Z',
    );
    expect(parseDateTimeParts('2024-02-30 08:00')).toBeUndefined();
  });

  it('lists weekday crons in local time between from and until', () => {
    const schedule: Schedule = {
      kind: 'cron',
      cron: '30 7 * * 1-5',
      startsAt: new Date('2024-03-14T17:00:00Z'), // 15/03 00:00 local, a Friday
      endsAt: new Date('2024-03-19T16:59:59Z'), // 19/03 23:59 local
      timezone: TZ,
    };
    expect(
      occurrencesBetween(schedule, new Date(0), new Date('2025-01-01')).map((d) => d.toISOString()),
    ).toEqual(['2024-03-15T00:30:00.000Z', '2024-03-18T00:30:00.000Z', '2024-03-19T00:30:00.000Z']);
  });
});

describe('SendLimiter', () => {
  it('keeps every sliding window: global, per chat, per group', async () => {
    let now = 0;
    const sent: [string, number][] = [];
    const limiter = new SendLimiter(
      {
        global: { count: 3, perMs: 1000 },
        chat: { count: 1, perMs: 1000 },
        group: { count: 2, perMs: 60_000 },
      },
      {
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      },
    );
    for (const chat of ['a', 'b', 'c', 'd', 'a', 'a']) {
      const done = await limiter.acquire(chat, true);
      sent.push([chat, now]);
      done();
    }
    expect(sent).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 0],
      ['d', 1005],
      ['a', 1005],
      ['a', 60_005],
    ]);
  });
});
