import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  flushFeedback,
  purgeExpiredHandles,
  relayDueFeedback,
} from '../../../bot/features/feedback/feedback';
import { flushFeedbackAtStop } from '../../../bot/features/feedback/jobs';
import { outboxOf } from '../../../bot/features/feedback/outbox';
import type { TextSignal } from '../../../bot/kernel/text-signals';
import { feedback, feedbackReplyHandles, incidentAlerts } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message, user } from '../../helpers/harness';
import { installLexicon, TEST_LEXICON } from '../hotspots/setup';
import { auditResults, pollsWorld, tap, worker } from '../polls/helpers';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let database: TestDatabase;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;
let signals: TextSignal[];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

async function setUp(env: Record<string, string> = { PULSE_SECRET: SECRET }) {
  await database.reset();
  harness = createHarness(database, env);
  world = await pollsWorld(database, harness);
  // Worker 1 belongs to T1 (seen in its group); T1 has no leader, so CB1's leader reads its feedback.
  await harness.handle(message(world.groups.T1, worker(1), 'chào tổ'));
  harness.messenger.clear();
  signals = [];
  harness.deps.signals.subscribe(async (signal) => void signals.push(signal));
}

const dmTexts = (id: number | string) => harness.messenger.texts(String(id));
const relay = () => relayDueFeedback(harness.deps, harness.clock.now());
const shortIdIn = (text: string) => /#([0-9a-f]{8})/.exec(text)![1]!;

describe('anonymous feedback', () => {
  beforeEach(() => setUp());

  it('stores unit, text and hour only, and relays it to the nearest leaders at the next hour', async () => {
    harness.clock.set('2026-03-05T02:17:42Z');
    const text = 'Nha\u0300 ta\u0306m ca ba hết nước nóng';
    await harness.handle(command(dm(101), worker(1), `/gopy ${text}`));
    const confirmation = harness.messenger.last()!;
    expect(confirmation.message.text).toContain('Đã nhận góp ý ẩn danh');
    expect(confirmation.message.buttons?.[0]?.[0]?.label).toBe('🔐 Cho phép trả lời ẩn danh');
    // The sender is told plainly what a crash before the hour loses.
    expect(confirmation.message.text).toContain('bị tắt đột ngột');
    // Nothing of the sender's request is written: the feedback waits in memory for its hour.
    expect(await database.db.select().from(feedback)).toEqual([]);
    expect(outboxOf(harness.deps).held()).toBe(1);
    // Hot spots hear of it only at the hourly relay, not when it arrives.
    expect(signals).toEqual([]);

    expect(await relay()).toBe(0);
    expect(await database.db.select().from(feedback)).toEqual([]);
    expect(dmTexts(2)).toEqual([]);
    expect(signals).toEqual([]);
    harness.clock.set('2026-03-05T03:00:30Z');
    expect(await relay()).toBe(1);
    const [row] = await database.db.select().from(feedback);
    expect(Object.keys(row!).sort()).toEqual(['hour', 'id', 'relayed', 'text', 'unitId']);
    expect(row).toMatchObject({ unitId: world.org.ids.T1, text: text.normalize('NFC'), relayed: true });
    expect(row!.hour.toISOString()).toBe('2026-03-05T02:00:00.000Z');
    expect(row!.id.slice(0, 8)).toBe(shortIdIn(confirmation.message.text!));
    expect(signals).toEqual([
      {
        text: text.normalize('NFC'),
        source: 'feedback',
        unitId: world.org.ids.T1,
        chatId: null,
        at: row!.hour,
      },
    ]);
    const relayed = dmTexts(2).at(-1)!;
    expect(relayed).toContain('Góp ý ẩn danh — Tổ 1');
    expect(relayed).toContain(`#${row!.id.slice(0, 8)}`);
    expect(relayed).toContain(text.normalize('NFC'));
    expect(relayed).toContain('không để lại cách liên lạc');
    expect(relayed).not.toMatch(/Công nhân|cn1|101/);
    expect(dmTexts(3)).toEqual([]);
    expect(await relay()).toBe(0);
  });

  it('limits each person to five an hour, without storing the sixth', async () => {
    for (let i = 1; i <= 6; i++) await harness.handle(command(dm(101), worker(1), `/feedback góp ý số ${i}`));
    expect(dmTexts(101).at(-1)).toContain('đã gửi 5 góp ý trong một giờ qua');
    expect(outboxOf(harness.deps).held()).toBe(5);
    await harness.handle(command(dm(102), worker(2), '/feedback người khác vẫn gửi được'));
    expect(dmTexts(102).at(-1)).toContain('Pulse chưa biết bạn thuộc đơn vị nào');
    harness.clock.advance(HOUR + 1000);
    await harness.handle(command(dm(101), worker(1), '/feedback một giờ sau'));
    expect(await flushFeedback(harness.deps, harness.clock.now(), { all: true })).toBe(6);
    expect(await database.db.select().from(feedback)).toHaveLength(6);
  });

  it('refuses feedback in a group, empty or too long, and is never audited', async () => {
    const inGroup = harness.messenger.texts('-t1').length;
    await harness.handle(command(world.groups.T1, worker(1), '/gopy ở nhóm'));
    // Told in their DM: the group does not read about it.
    expect(dmTexts(101).at(-1)).toContain('chỉ dùng trong tin nhắn riêng');
    expect(harness.messenger.texts('-t1')).toHaveLength(inGroup);
    await harness.handle(command(dm(101), worker(1), '/gopy'));
    expect(dmTexts(101).at(-1)).toContain('Cách dùng: /feedback');
    await harness.handle(command(dm(101), worker(1), `/gopy ${'x'.repeat(3001)}`));
    expect(dmTexts(101).at(-1)).toContain('dài quá 3000');
    expect(await database.db.select().from(feedback)).toEqual([]);
    expect(await auditResults(database, 'feedback')).toEqual([]);
  });
});

describe('anonymous two-way replies', () => {
  beforeEach(() => setUp());

  async function sendFeedback() {
    await harness.handle(command(dm(101), worker(1), '/gopy Xin bố trí thêm quạt'));
    const confirmation = harness.messenger.last()!.message;
    const short = shortIdIn(confirmation.text!);
    // The button carries a sealed one-time token, not the feedback id.
    const offer = confirmation.buttons!.flat()[0]!;
    const data = 'data' in offer ? offer.data : '';
    expect(data).not.toContain(short);
    return { id: data.slice('fr:'.length), short };
  }

  it('without the opt-in, keeps nothing that reaches the sender and /reply says so', async () => {
    const { short } = await sendFeedback();
    harness.clock.advance(HOUR);
    await relay();
    expect(await database.db.select().from(feedbackReplyHandles)).toEqual([]);
    await harness.handle(command(dm(2), world.leaderCb1, `/reply ${short} Cảm ơn bạn`));
    expect(dmTexts(2).at(-1)).toContain('không cho phép trả lời');
    expect(dmTexts(101).filter((t) => t.includes('Cảm ơn bạn'))).toEqual([]);
  });

  it('with the opt-in, seals the address; a leader of the unit or above replies without learning who', async () => {
    const { id, short } = await sendFeedback();
    await harness.handle(tap(dm(101), worker(1), `fr:${id}`));
    expect(harness.messenger.answers.at(-1)!.text).toContain('Đã cho phép');
    await harness.handle(tap(dm(101), worker(1), `fr:${id}`));
    expect(harness.messenger.answers.at(-1)!.text).toContain('đã cho phép trả lời góp ý này rồi');
    // The handle, like the feedback, waits for the hourly batch.
    expect(await database.db.select().from(feedbackReplyHandles)).toEqual([]);

    harness.clock.advance(HOUR);
    await relay();
    const [handle] = await database.db.select().from(feedbackReplyHandles);
    expect(handle!.sealed).not.toContain('101');
    expect(Buffer.from(handle!.sealed, 'base64url').toString('latin1')).not.toContain('101');
    expect(handle!.expiresAt.getTime() % HOUR).toBe(0);
    expect(dmTexts(2).at(-1)).toContain(`/reply ${short}`);

    await harness.handle(command(dm(3), world.leaderCb2, `/reply ${short} Tôi là chi bộ khác`));
    expect(dmTexts(3).at(-1)).toContain('không có quyền');
    await harness.handle(command(dm(2), world.leaderCb1, `/reply #${short} Tuần sau sẽ có quạt`));
    expect(dmTexts(101).at(-1)).toBe(
      `📬 Trả lời cho góp ý ẩn danh của bạn (#${short}) từ lãnh đạo Tổ 1:\n\nTuần sau sẽ có quạt`,
    );
    const confirmation = dmTexts(2).at(-1)!;
    expect(confirmation).toContain('Đã gửi trả lời');
    expect(confirmation).not.toMatch(/Công nhân|101|cn1/);
    await harness.handle(command(dm(1), world.admin, `/reply ${short} Ban quản trị cũng trả lời`));
    expect(dmTexts(101).at(-1)).toContain('Ban quản trị cũng trả lời');
    expect(await auditResults(database, 'reply')).toEqual(['refused', 'ok', 'ok']);
  });

  it('tells the leaders when replies are allowed after the feedback was relayed', async () => {
    const { id, short } = await sendFeedback();
    harness.clock.advance(HOUR);
    await relay();
    await harness.handle(tap(dm(101), worker(1), `fr:${id}`));
    expect(dmTexts(2).at(-1)).not.toContain('vừa cho phép');
    // The next hourly step writes the handle and tells the readers.
    harness.clock.advance(HOUR);
    await relay();
    expect(dmTexts(2).at(-1)).toContain(`#${short} vừa cho phép trả lời ẩn danh`);
  });

  it('forgets the address after 30 days, and refuses unknown or ambiguous ids and stale buttons', async () => {
    const { id, short } = await sendFeedback();
    await harness.handle(tap(dm(101), worker(1), `fr:${id}`));
    harness.clock.advance(HOUR);
    await relay();
    harness.clock.advance(29 * DAY - HOUR);
    expect(await purgeExpiredHandles(database.db, harness.clock.now())).toBe(0);
    harness.clock.advance(1 * DAY);
    expect(await purgeExpiredHandles(database.db, harness.clock.now())).toBe(1);
    await harness.handle(command(dm(2), world.leaderCb1, `/reply ${short} Muộn rồi`));
    expect(dmTexts(2).at(-1)).toContain('đã quá 30 ngày');
    // A press after 30 days is taken, but its handle is never written.
    await harness.handle(tap(dm(101), worker(1), `fr:${id}`));
    await relay();
    expect(await database.db.select().from(feedbackReplyHandles)).toEqual([]);

    await harness.handle(command(dm(2), world.leaderCb1, '/reply 00000000 Ai đó'));
    expect(dmTexts(2).at(-1)).toContain('Không có góp ý nào mã #00000000');
    await harness.handle(command(dm(2), world.leaderCb1, '/reply xyz'));
    expect(dmTexts(2).at(-1)).toContain('Cách dùng: /reply');
    await harness.handle(tap(dm(101), worker(1), 'fr:not-a-uuid'));
    expect(harness.messenger.answers.at(-1)).toMatchObject({
      alert: true,
      text: expect.stringContaining('Nút này'),
    });
    await harness.handle(tap(world.groups.T1, worker(1), `fr:${id}`));
    expect(harness.messenger.answers.at(-1)!.text).toContain('Nút này');
  });
});

describe('without PULSE_SECRET', () => {
  beforeEach(() => setUp({}));

  it('offers no reply button, says two-way replies are off, and /reply cannot reach anyone', async () => {
    await harness.handle(command(dm(101), worker(1), '/gopy Góp ý một chiều'));
    const confirmation = harness.messenger.last()!.message;
    expect(confirmation.buttons).toBeUndefined();
    // Plain words for the worker: no setting name.
    expect(confirmation.text).toContain('chưa thể trả lời riêng cho bạn');
    expect(confirmation.text).not.toContain('PULSE_SECRET');
    await flushFeedback(harness.deps, harness.clock.now(), { all: true });
    const [row] = await database.db.select().from(feedback);
    await harness.handle(tap(dm(101), user(101), `fr:${row!.id}`));
    expect(harness.messenger.answers.at(-1)!.text).toContain('trả lời ẩn danh hai chiều chưa được bật');
    expect(harness.messenger.answers.at(-1)!.text).not.toContain('PULSE_SECRET');
    expect(await database.db.select().from(feedbackReplyHandles)).toEqual([]);
    await harness.handle(command(dm(2), world.leaderCb1, `/reply ${row!.id.slice(0, 8)} Chào`));
    expect(dmTexts(2).at(-1)).toContain('Chưa thể gửi: tính năng trả lời ẩn danh hai chiều chưa được bật');
  });
});

describe('the hourly batch', () => {
  beforeEach(() => setUp());

  it('writes an hour of feedback from several senders in one transaction, and none in their requests', async () => {
    await harness.handle(message(world.groups.T1, worker(2), 'chào tổ'));
    harness.clock.set('2026-03-05T02:10:00Z');
    await harness.handle(command(dm(101), worker(1), '/gopy Góp ý thứ nhất'));
    harness.clock.set('2026-03-05T02:40:00Z');
    await harness.handle(command(dm(102), worker(2), '/gopy Góp ý thứ hai'));
    expect(await database.db.select().from(feedback)).toEqual([]);
    harness.clock.set('2026-03-05T03:00:10Z');
    expect(await relay()).toBe(2);
    const rows = await database.query<{ xmin: string }>(sql`select xmin::text as xmin from feedback`);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
  });

  it('a graceful stop writes the current hour; a process killed with -9 loses only its own unwritten hour', async () => {
    await harness.handle(command(dm(101), worker(1), '/gopy Viết trước khi dừng'));
    await flushFeedbackAtStop(harness.deps);
    expect(await database.db.select().from(feedback)).toHaveLength(1);
    expect(outboxOf(harness.deps).held()).toBe(0);
    // Not relayed before its hour ends, even though written.
    expect(await relay()).toBe(0);
    harness.clock.advance(HOUR);
    expect(await relay()).toBe(1);

    // kill -9: the held feedback dies with the process; a new process does not know it.
    await harness.handle(command(dm(101), worker(1), '/gopy Sẽ mất khi bị kill -9'));
    const survivor = createHarness(database, { PULSE_SECRET: SECRET });
    survivor.clock.set(harness.clock.now());
    survivor.clock.advance(HOUR);
    expect(await relayDueFeedback(survivor.deps, survivor.clock.now())).toBe(0);
    expect(await database.db.select().from(feedback)).toHaveLength(1);
  });
});

describe('a critical topic', () => {
  beforeEach(async () => {
    await setUp();
    await installLexicon(harness, TEST_LEXICON);
  });

  it('offers to send at once, saying the exact time narrows who sent it; sent now, leaders have it now', async () => {
    await harness.handle(command(dm(101), worker(1), '/gopy Quạt phòng ăn hỏng'));
    expect(harness.messenger.last()!.message.text).not.toContain('Gửi ngay');
    expect(harness.messenger.last()!.message.buttons!.flat()).toHaveLength(1);

    await harness.handle(
      command(dm(101), worker(1), '/gopy Vừa có tai nạn lao động ở xưởng 2, một người bị thương'),
    );
    const offer = harness.messenger.last()!.message;
    expect(offer.text).toContain('thu hẹp số người có thể đã gửi');
    const button = offer.buttons!.flat().find((b) => b.label === '🚨 Gửi ngay')!;
    const data = 'data' in button ? button.data : '';
    expect(data).not.toContain(shortIdIn(offer.text!));
    await harness.handle(tap(dm(101), worker(1), data));
    expect(harness.messenger.answers.at(-1)!.text).toContain('Đã gửi ngay');
    expect(dmTexts(2).some((t) => t.includes('Góp ý ẩn danh') && t.includes('tai nạn lao động'))).toBe(true);
    expect(dmTexts(2).some((t) => t.includes('Điểm nóng') && t.includes('Tai nạn'))).toBe(true);
    const rows = await database.db.select().from(feedback);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.relayed).toBe(true);
    expect(signals.map((s) => [s.at, s.sentNow])).toEqual([[harness.clock.now(), true]]);
    // Chosen by the sender, the incident it opens alerts now too, not at the top of the hour.
    const alerts = await database.db.select().from(incidentAlerts);
    expect(alerts.length).toBeGreaterThan(0);
    // Used once; the ordinary one still waits for its hour.
    await harness.handle(tap(dm(101), worker(1), data));
    expect(harness.messenger.answers.at(-1)).toMatchObject({
      alert: true,
      text: expect.stringContaining('không còn chờ'),
    });
    expect(outboxOf(harness.deps).held()).toBe(1);
    harness.clock.advance(HOUR);
    expect(await relay()).toBe(1);
  });
});
