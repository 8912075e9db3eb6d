import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { formatDateTime } from '../../bot/kernel/time';
import { BOT_SENDER } from '../../bot/sandbox/keys';
import { directives, incidents, pollSeries, reportSchedules, sandboxMessages } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, startSandboxApp } from './helpers';

// A newcomer's first start: an empty database, Pulse seeds scenarios/demo.yaml, and every job can
// be tried at once — directives, the lexicon, a recurring pulse, a scheduled report.
let database: TestDatabase;
let app: PulseApp;
let seededAt: number;
beforeAll(async () => {
  database = await createTestDatabase();
  seededAt = Date.now();
  app = await startSandboxApp(database);
});
afterAll(async () => {
  await app?.stop();
  await database.destroy();
});

const api = () => client(app);

async function ask(persona: string, text: string): Promise<string> {
  const api = client(app);
  const chat = `dm:${persona}`;
  const sent = await api.send({ persona, chat, text });
  expect(sent.status).toBe(200);
  const messages = (await api.messages(persona, chat)).body.messages;
  const after = messages.findIndex((m) => m.id === sent.body.message.id);
  return messages
    .slice(after + 1)
    .map((m) => m.text)
    .join('\n');
}

describe('the demo company of a fresh sandbox', () => {
  it('/directives lists both directives, the first due a few minutes after the first start', async () => {
    const answer = await ask('ha', '/directives');
    expect(answer).not.toContain('Chưa có nhiệm vụ nào');
    expect(answer).toContain('AT-CA3');
    expect(answer).toContain('TUAN');
    const [first] = await database.db.select().from(directives).where(eq(directives.key, 'AT-CA3'));
    const minutes = (first!.at!.getTime() - seededAt) / 60_000;
    expect(minutes).toBeGreaterThan(4);
    expect(minutes).toBeLessThan(6);
  });

  it('/keywords lists the full lexicon of the shipped plan', async () => {
    const answer = await ask('ha', '/keywords');
    expect(answer).not.toContain('Chưa có bộ từ khóa nào');
    expect(answer).toContain('nợ lương');
    expect(answer).toContain('nản quá');
  });

  it('has a recurring pulse and a scheduled report', async () => {
    expect((await database.db.select().from(pollSeries)).map((s) => s.key)).toEqual(['weekly-pulse']);
    expect((await database.db.select().from(reportSchedules)).map((s) => s.key)).toEqual(['weekly-cells']);
  });

  // README "A five-minute tour", step by step: what it says you should see, you see.
  it('the five-minute tour of the README holds', async () => {
    const api = client(app);
    const an = await openEvents(api.base, 'an');
    const hung = await openEvents(api.base, 'hung');
    try {
      // Admin Hà pushes the weekly directive; worker Hùng sees it in Tổ Khai thác 1 and taps Đã nắm.
      expect(await ask('ha', '/help')).toContain('/push MÃ_NHIỆM_VỤ');
      expect(await ask('ha', '/preview TUAN')).toContain('Nắm bắt tư tưởng người lao động trong tuần');
      expect(await ask('ha', '/push TUAN')).toMatch(/Đã xếp gửi .* tới 5 nhóm/);
      await app.scheduler.runAll();
      const post = (await api.messages('hung', 'grp:grp-t-kt1')).body.messages.at(-1)!;
      expect(post.text).toContain('Nắm bắt tư tưởng người lao động trong tuần');
      const button = post.buttons![0]![0]!;
      const data = 'data' in button ? button.data : '';
      expect(
        (await api.press({ persona: 'hung', chat: 'grp:grp-t-kt1', messageId: post.id, data })).status,
      ).toBe(200);
      expect(await ask('ha', '/reach TUAN')).toContain(
        'Tổ Khai thác 1 (T-KT1): 1/1 nhóm đã nhận · đã nắm 1/1 người (100%)',
      );

      // Leader An asks his cell an anonymous pulse; it lands in the cell's groups.
      expect(await ask('an', '/pulse Tuần này bạn thấy công việc thế nào? --units CB-KT --min 3')).toMatch(
        /#\d+/,
      );
      const poll = (await api.messages('hung', 'grp:grp-t-kt1')).body.messages.at(-1)!;
      expect(poll.text).toContain('Tuần này bạn thấy công việc thế nào?');
      expect(poll.buttons?.flat().length).toBe(5);
      const vote = async (persona: string, chat: string) => {
        const message = (await api.messages(persona, chat)).body.messages.findLast((m) =>
          m.text.includes('Tuần này bạn thấy công việc thế nào?'),
        )!;
        const four = message.buttons!.flat()[3]!;
        const pressed = await api.press({
          persona,
          chat,
          messageId: message.id,
          data: 'data' in four ? four.data : '',
        });
        expect(pressed.status, persona).toBe(200);
      };
      await vote('hung', 'grp:grp-t-kt1');
      await vote('mai', 'grp:grp-t-kt1');
      await vote('thang', 'grp:grp-cb-kt');
      await ask('an', '/close 1');
      await app.scheduler.runAll();
      // Results go out through the delivery queue, as every fan-out does: wait for them to arrive
      // (a worker of the queue that was already sending may post them a moment after /close).
      const results = await hung.message(
        (m) => m.chat === 'grp:grp-t-kt1' && m.text.includes('Kết quả khảo sát #1'),
      );
      // Three answers spread over two teams: the demo is too small to show them, and says why.
      expect(results.text).toContain('Kết quả khảo sát #1 — đã đóng');
      expect(results.text).toContain('chưa đủ câu trả lời để giữ ẩn danh');
      expect(results.text).not.toMatch(/Bùi Văn Hùng|Đỗ Thị Mai|Vũ Đức Thắng/);

      // Worker Hùng reports an accident in his team's group: An gets the hot-spot alert privately.
      await api.send({
        persona: 'hung',
        chat: 'grp:grp-t-kt1',
        text: 'Lò chợ 3 vừa có người bị thương nặng',
      });
      const alert = await an.message((m) => m.chat === 'dm:an' && m.text.includes('Điểm nóng'));
      expect(alert.text).toContain('Tai nạn, sự cố mỏ');
      expect(alert.text).not.toContain('Bùi Văn Hùng');

      // And An's report of his cell.
      // The plain /report covers this week so far, and the accident just reported shows as open.
      const report = await ask('an', '/report CB-KT');
      expect(report).toContain('Chi bộ Khai thác');
      expect(report).toContain('(đến nay)');
      expect(report).toContain('Còn chưa xử lý xong: nghiêm trọng 1');
      expect(report).not.toContain('Không còn điểm nóng nào');
    } finally {
      an.close();
      hung.close();
    }
  });

  // After the tour: the acknowledgement rate of /report is the one /reach gives, and someone in two
  // of the cell's groups is one person to acknowledge, not two (it was 6/9 against 100%).
  it('/report counts acknowledgements as /reach does, a person in two groups once', async () => {
    const ratio = (text: string, pattern: RegExp) =>
      [...text.matchAll(pattern)].reduce(
        (sum, m) => [sum[0]! + Number(m[1]), sum[1]! + Number(m[2])],
        [0, 0],
      );
    const reachOfCell = async () =>
      ratio(
        (await ask('ha', '/reach TUAN'))
          .split('\n')
          .filter((l) => /\((CB-KT|T-KT\d)\)/.test(l))
          .join('\n'),
        /đã nắm (\d+)\/(\d+) người/g,
      );
    const reportOfCell = async () =>
      ratio(await ask('an', '/report CB-KT'), /đã xác nhận đọc: (\d+)\/(\d+)/g);
    const [acked, members] = await reachOfCell();
    expect(members).toBeGreaterThan(1);
    expect(await reportOfCell()).toEqual([acked, members]);
    // Hùng (Tổ Khai thác 1) also writes in the cell's own group: still one person of the cell.
    await api().send({ persona: 'hung', chat: 'grp:grp-cb-kt', text: 'Em chào cả chi bộ' });
    expect(await reportOfCell()).toEqual([acked, members]);
  });

  // After the tour (same database): every date and time the bot wrote in the main flows — directive
  // listings, the poll and its results, the hot-spot alert and its timeline, the report — has the
  // one form of bot/kernel/time.ts: "17:00 01/12/2026" in Asia/Ho_Chi_Minh.
  it('writes every date and time of the main flows in one form', async () => {
    await ask('ha', '/directives');
    await ask('an', '/polls');
    await ask('an', '/hotspots');
    await ask('an', '/ack 1');
    await ask('an', '/incident 1');
    await ask('an', '/report');
    const rows = await database.db.select().from(sandboxMessages);
    const texts = rows.filter((r) => r.senderKey === BOT_SENDER).map((r) => r.text);
    // Usage syntax ("[--closes 24h|2026-12-01T17:00]" in /help) shows how to type a time, not a time.
    const all = texts.join('\n').replace(/\[--[a-z]+ [^\]]*\]/g, '[…]');

    const ONE_FORM = /\b\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}\b/g;
    // Without its time a day is dd/MM/yyyy, or dd/MM opening a range that ends with the year.
    const wrong = [
      ...all.matchAll(/\b\d{1,2}:\d{2}\b(?! \d{2}\/\d{2}\/\d{4})/g), // a time without its date after it
      ...all.matchAll(/\b\d{4}-\d{2}-\d{2}|\b\d{1,2}-\d{1,2}(-\d{2,4})?\b(?!\s*(người|phút|giờ|ngày))/g), // ISO or dashes
      ...all.matchAll(/(?<![\d/])\d{2}\/\d{2}(?![\d/]|–\d{2}\/\d{2}\/\d{4})/g), // dd/MM alone (not 1/3 people)
      ...all.matchAll(/\b\d{1,2}\/\d{1,2}\/\d{2}\b(?!\d)/g), // a two-digit year
      ...all.matchAll(/\b(AM|PM|GMT|UTC)\b|T\d{2}:\d{2}/g),
    ].map((m) => `${m[0]} in “${all.slice(Math.max(0, m.index - 30), m.index + 30)}”`);
    expect(wrong).toEqual([]);

    // The flows did write dates: the alert, the acknowledgement, the directive listing, the poll.
    const found = [...all.matchAll(ONE_FORM)].map((m) => m[0]);
    expect(found.length).toBeGreaterThan(5);
    const alert = texts.find((t) => t.includes('🔥 Điểm nóng #1'))!;
    const [incident] = await database.db.select().from(incidents);
    expect(alert).toContain(formatDateTime(incident!.openedAt, app.deps.config.timezone));
  });
});
