import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDirectiveTick, deliverDue, materialiseDue } from '../../../bot/features/directives';
import { DeliveryError } from '../../../bot/kernel/errors';
import type { ChatRef, InboundEvent, OutgoingMessage, SentRef } from '../../../bot/kernel/types';
import { auditLog, directiveAcks, directiveDeliveries, directives } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, group, type Harness, message, user } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { applyText, CAMPAIGN, directiveId } from './fixtures';

const ADMIN = user(1, 'Quản trị');
const CELL_ADMIN = user(2, 'Bí thư CB1');
const CB1 = group('-1001', 'Nhóm Chi bộ 1');
const CB2 = group('-1002', 'Nhóm Chi bộ 2');
/** 08:00 15/03/2024 in Hà Nội (UTC+7). */
const NV1_AT = new Date('2024-03-15T01:00:00Z');
const HOUR = 3_600_000;

/** A recording messenger that can fail sends to chosen chats. */
class FlakyMessenger extends RecordingMessenger {
  readonly failures = new Map<string, DeliveryError[]>();
  afterSend?: () => void;
  override async send(chat: ChatRef, outgoing: OutgoingMessage): Promise<SentRef> {
    this.afterSend?.();
    const failure = this.failures.get(chat.externalId)?.shift();
    if (failure) throw failure;
    return super.send(chat, outgoing);
  }
}

let database: TestDatabase;
let h: Harness;
let messenger: FlakyMessenger;
let tick: ReturnType<typeof createDirectiveTick>;
let updates = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  h = createHarness(database);
  messenger = new FlakyMessenger();
  h.deps.messenger.register(messenger);
  tick = createDirectiveTick(h.deps, 'test-worker');
  await applyText(database, CAMPAIGN);
});

async function at(when: Date | string) {
  h.clock.set(when);
  return tick(h.clock.now());
}

const groupSends = () => messenger.sent.filter((s) => s.chat.kind === 'group');
const sentTo = (chat: ChatRef) => groupSends().filter((s) => s.chat.externalId === chat.externalId);
const run = async (from: typeof ADMIN, text: string, chat: ChatRef = dm(from.externalId)) => {
  messenger.clear();
  await h.handle(command(chat, from, text));
  return messenger.sent.map((s) => s.message.text).join('\n');
};

function press(chat: ChatRef, from: typeof ADMIN, data: string, messageId: string): InboundEvent {
  return {
    kind: 'button',
    chat,
    from,
    data,
    pressId: `press-${++updates}`,
    message: { chat, messageId },
    updateId: `b${updates}`,
  };
}

describe('schedules in Asia/Ho_Chi_Minh, with a fake clock', () => {
  it('sends a one-off directive at its local time, once, to every bound group, with the Đã nắm button', async () => {
    await at(new Date(NV1_AT.getTime() - 60_000));
    expect(groupSends()).toEqual([]);

    await at(NV1_AT);
    expect(groupSends().map((s) => s.chat.externalId)).toEqual(['-1001', '-1002']);
    const post = sentTo(CB1)[0]!.message;
    expect(post.format).toBe('markup');
    expect(post.text).toContain('📢 **Quán triệt Kết luận 100-KL/TW**');
    expect(post.text).toContain('_Nguồn: Công văn 230-CV/BTG ngày 05/3/2024 của Ban Tuyên giáo Đảng ủy TKV_');
    expect(post.buttons).toEqual([
      [{ label: '✅ Đã nắm', data: `ack:${await directiveId(database, 'NV1')}` }],
    ]);

    await at(new Date(NV1_AT.getTime() + HOUR));
    expect(groupSends()).toHaveLength(2);
  });

  it('sends a monthly cron at 08:00 local on the 1st, to its audience only, and shows the next send', async () => {
    await at('2024-04-01T00:59:00Z');
    expect(groupSends().filter((s) => s.message.text.includes('hằng tháng'))).toEqual([]);
    await at('2024-04-01T01:00:00Z');
    const monthly = groupSends().filter((s) => s.message.text.includes('hằng tháng'));
    expect(monthly.map((s) => s.chat.externalId)).toEqual(['-1001']);
    expect(monthly[0]!.message.buttons).toBeUndefined();

    const list = await run(ADMIN, '/directives');
    expect(list).toContain('• NV-THANG — Nắm bắt dư luận hằng tháng');
    expect(list).toContain('Lần gửi tới: 08:00 01/05/2024');
    expect(list).toContain('Lần gửi gần nhất: 08:00 01/04/2024 — 1/1 nhóm đã nhận');
  });

  it('catches up an occurrence missed inside the grace window, and skips (and shows) those beyond it', async () => {
    await at('2024-04-01T04:30:00Z'); // 3 h 30 late: inside the 6 h grace
    expect(sentTo(CB1).filter((s) => s.message.text.includes('hằng tháng'))).toHaveLength(1);

    messenger.clear();
    await at('2024-06-01T08:00:00Z'); // May missed by a month, June by 7 h
    expect(groupSends().filter((s) => s.message.text.includes('hằng tháng'))).toEqual([]);
    const list = await run(ADMIN, '/directives');
    expect(list).toContain('Bỏ lỡ (bot ngừng quá lâu): 2 lần, gần nhất 08:00 01/06/2024');
    expect(list).toContain('Lần gửi gần nhất: 08:00 01/04/2024');
    expect(list).toContain('Lần gửi tới: 08:00 01/07/2024');
  });

  it('stops after until', async () => {
    await at('2024-12-01T01:00:00Z');
    await at('2025-01-01T01:00:00Z');
    const monthly = groupSends().filter((s) => s.message.text.includes('hằng tháng'));
    expect(monthly).toHaveLength(1);
    expect(await run(ADMIN, '/directives')).toContain('Lần gửi tới: không còn');
  });
});

describe('acknowledgements and reminders', () => {
  async function membersSeen() {
    for (const id of [10, 11]) await h.handle(message(CB1, user(id), 'chào cả nhà'));
    await h.handle(message(CB2, user(20), 'chào'));
  }

  it('counts one Đã nắm per person, shows the count on the message (no names), reminds only low groups', async () => {
    await membersSeen();
    await at(NV1_AT);
    const id = await directiveId(database, 'NV1');
    const cb1Post = sentTo(CB1)[0]!;
    const cb2Post = sentTo(CB2)[0]!;

    await h.handle(press(CB1, user(10, 'Lan'), `ack:${id}`, cb1Post.messageId));
    await h.handle(press(CB1, user(10, 'Lan'), `ack:${id}`, cb1Post.messageId));
    await h.handle(press(CB2, user(20, 'Hùng'), `ack:${id}`, cb2Post.messageId));
    expect(messenger.answers.map((a) => a.text)).toEqual([
      'Đã ghi nhận: bạn đã nắm nhiệm vụ «Quán triệt Kết luận 100-KL/TW». Cảm ơn bạn!',
      'Bạn đã xác nhận nắm nhiệm vụ này trước đó. Không có gì thay đổi.',
      'Đã ghi nhận: bạn đã nắm nhiệm vụ «Quán triệt Kết luận 100-KL/TW». Cảm ơn bạn!',
    ]);
    expect(await database.db.select().from(directiveAcks)).toHaveLength(2);
    const edit = messenger.edits.find((e) => e.ref.chat.externalId === '-1001')!;
    expect(edit.ref.messageId).toBe(cb1Post.messageId);
    expect(edit.message.text).toContain('✅ Đã nắm: 1 người trong nhóm');
    expect(edit.message.text).not.toContain('Lan');

    messenger.clear();
    await at(new Date(NV1_AT.getTime() + 47 * HOUR));
    expect(groupSends()).toEqual([]);
    await at(new Date(NV1_AT.getTime() + 48 * HOUR));
    // CB1: 1 of 2 members (50 % < 80 %) → reminded; CB2: 1 of 1 → not.
    expect(groupSends().map((s) => s.chat.externalId)).toEqual(['-1001']);
    expect(groupSends()[0]!.message.text).toContain('🔔 **Nhắc lại: Quán triệt Kết luận 100-KL/TW**');
    expect(messenger.sent.filter((s) => s.chat.kind === 'dm')).toEqual([]);
    await at(new Date(NV1_AT.getTime() + 60 * HOUR));
    expect(groupSends()).toHaveLength(1);
  });

  it('rewrites the count once the throttle has passed when presses came too fast', async () => {
    await membersSeen();
    await at(NV1_AT);
    const id = await directiveId(database, 'NV1');
    const post = sentTo(CB1)[0]!;
    await h.handle(press(CB1, user(10), `ack:${id}`, post.messageId));
    h.clock.advance(1000);
    await h.handle(press(CB1, user(11), `ack:${id}`, post.messageId));
    expect(messenger.edits.at(-1)!.message.text).toContain('Đã nắm: 1 người');
    await at(new Date(NV1_AT.getTime() + 10_000));
    expect(messenger.edits.at(-1)!.message.text).toContain('Đã nắm: 2 người');
  });

  it('refuses an acknowledgement where the directive was not delivered: before it was sent, in a DM, in another chat', async () => {
    const id = await directiveId(database, 'NV1');
    const refused =
      'Nhiệm vụ này chưa được gửi tới cuộc trò chuyện này, nên không thể xác nhận tại đây. Không có gì được ghi nhận.';
    // Due in 3 days, never sent: a forged press in its group counts for nothing.
    await h.handle(press(CB1, user(10, 'Lan'), `ack:${id}`, '999'));
    await at(NV1_AT);
    const post = sentTo(CB1)[0]!;
    // Sent to the groups only: pressed in a DM (a forwarded message), or in an unbound chat.
    await h.handle(press(dm(10), user(10, 'Lan'), `ack:${id}`, post.messageId));
    await h.handle(press(group('-1999', 'Nhóm lạ'), user(10, 'Lan'), `ack:${id}`, post.messageId));
    expect(messenger.answers.map((a) => [a.text, a.alert])).toEqual([
      [refused, true],
      [refused, true],
      [refused, true],
    ]);
    expect(await database.db.select().from(directiveAcks)).toEqual([]);
    await h.handle(press(CB1, user(10, 'Lan'), `ack:${id}`, post.messageId));
    expect(messenger.answers.at(-1)!.text).toContain('Đã ghi nhận');
    expect(await database.db.select().from(directiveAcks)).toHaveLength(1);
  });

  it('answers a stale button (stopped or unknown directive) and records nothing', async () => {
    await at(NV1_AT);
    const id = await directiveId(database, 'NV1');
    const post = sentTo(CB1)[0]!;
    expect(await run(ADMIN, '/cancel NV1')).toContain('Đã dừng nhiệm vụ NV1');
    await h.handle(press(CB1, user(10), `ack:${id}`, post.messageId));
    await h.handle(press(CB1, user(10), 'ack:999999', '1'));
    await h.handle(press(CB1, user(10), 'ack:xyz', '1'));
    expect(messenger.answers).toEqual([
      expect.objectContaining({ text: expect.stringContaining('đã dừng hoặc không còn'), alert: true }),
      expect.objectContaining({ text: expect.stringContaining('đã dừng hoặc không còn'), alert: true }),
      expect.objectContaining({ text: expect.stringContaining('đã dừng hoặc không còn'), alert: true }),
    ]);
    expect(await database.db.select().from(directiveAcks)).toEqual([]);
  });
});

describe('admin commands', () => {
  it('/push sends now to the named units only; /reach shows reach per unit', async () => {
    h.clock.set('2024-03-13T02:00:00Z');
    expect(await run(ADMIN, '/push nv1 CB2')).toContain(
      'Đã xếp gửi «Quán triệt Kết luận 100-KL/TW» tới 1 nhóm',
    );
    await tick(h.clock.now());
    expect(groupSends().map((s) => s.chat.externalId)).toEqual(['-1002']);

    const reach = await run(ADMIN, '/reach NV1');
    expect(reach).toContain('• Chi bộ 2 (CB2): 1/1 nhóm đã nhận');
    expect(reach).not.toContain('Chi bộ 1 (CB1)');
  });

  it('/preview sends the message to the admin’s DM with an inert button', async () => {
    const text = await run(ADMIN, '/preview NV1', CB1);
    const id = await directiveId(database, 'NV1');
    const toDm = messenger.sent.filter((s) => s.chat.kind === 'dm');
    expect(toDm[1]!.message).toMatchObject({ format: 'markup', buttons: [[{ data: `ack:p${id}` }]] });
    expect(text).toContain('Đã gửi bản xem trước');
    await h.handle(press(dm(1), ADMIN, `ack:p${id}`, toDm[1]!.messageId));
    expect(messenger.answers[0]!.text).toBe('Đây là bản xem trước: không có gì được ghi nhận.');
    expect(await database.db.select().from(directiveAcks)).toEqual([]);
  });

  it('refuses non-admins and admins of a smaller unit, and changes nothing', async () => {
    const worker = user(50, 'Công nhân');
    expect(await run(worker, '/push NV1')).toContain('không có quyền');
    expect(await run(worker, '/directives')).toContain('không có quyền');
    // The cell admin covers CB1 only: NV1 goes to the whole company.
    expect(await run(CELL_ADMIN, '/cancel NV1')).toContain('không có quyền');
    expect(await run(CELL_ADMIN, '/push NV1 CB2')).toContain('không có quyền');
    expect(await run(CELL_ADMIN, '/push NV1 CB1')).toContain('tới 1 nhóm');
    const [nv1] = await database.db.select().from(directives).where(eq(directives.key, 'NV1'));
    expect(nv1!.cancelledAt).toBeNull();
    expect(await database.db.select().from(directiveDeliveries)).toHaveLength(1);
    const audits = await database.db.select().from(auditLog);
    expect(audits.filter((a) => a.result === 'refused')).toHaveLength(4);
  });

  it('explains bad arguments and unknown ids in the caller’s language', async () => {
    expect(await run(ADMIN, '/push')).toContain('Cách dùng: /push');
    expect(await run(ADMIN, '/reach NV9')).toContain('Không tìm thấy nhiệm vụ có mã "NV9"');
    expect(await run(ADMIN, '/push NV1 CB9')).toContain('Không tìm thấy đơn vị có mã "CB9"');
    await run(ADMIN, '/lang en');
    expect(await run(ADMIN, '/cancel NV9')).toContain('No directive has the id "NV9"');
    expect(await database.db.select().from(directiveDeliveries)).toEqual([]);
  });
});

describe('failures', () => {
  it('records a permanent failure, shows it in /reach and never retries it', async () => {
    messenger.failures.set('-1002', [
      new DeliveryError('Forbidden: bot was kicked from the group chat', true),
    ]);
    await at(NV1_AT);
    await at(new Date(NV1_AT.getTime() + HOUR));
    expect(groupSends().map((s) => s.chat.externalId)).toEqual(['-1001']);
    const reach = await run(ADMIN, '/reach NV1');
    expect(reach).toContain('• Chi bộ 2 (CB2): 0/1 nhóm đã nhận, 1 lỗi');
    expect(reach).toContain('• Nhóm Chi bộ 2 (CB2): Forbidden: bot was kicked from the group chat');
  });

  it('retries a temporary failure after retry_after, not before', async () => {
    messenger.failures.set('-1002', [new DeliveryError('Too Many Requests: retry after 60', false, 60)]);
    await at(NV1_AT);
    expect(sentTo(CB2)).toEqual([]);
    await at(new Date(NV1_AT.getTime() + 30_000));
    expect(sentTo(CB2)).toEqual([]);
    await at(new Date(NV1_AT.getTime() + 61_000));
    expect(sentTo(CB2)).toHaveLength(1);
    const rows = await database.db.select().from(directiveDeliveries);
    // A rate limit is not the message's fault: the attempt it cost is given back.
    expect(rows.map((r) => [r.status, r.attempts]).sort()).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });
});

describe('graceful stop', () => {
  it('hands rows claimed but not sent back to the ledger at once, not after the lease', async () => {
    h.clock.set(NV1_AT);
    const options = {
      now: NV1_AT,
      graceMs: 6 * HOUR,
      timezone: 'Asia/Ho_Chi_Minh',
      platforms: ['telegram' as const],
    };
    await materialiseDue(database.db, options);
    const stop = new AbortController();
    messenger.afterSend = () => stop.abort();
    await deliverDue(h.deps, {
      worker: 'w1',
      leaseMs: 120_000,
      concurrency: 1,
      signal: stop.signal,
    });
    expect(groupSends()).toHaveLength(1);
    const rows = await database.db.select().from(directiveDeliveries).orderBy(directiveDeliveries.id);
    expect(rows.map((r) => [r.status, r.attempts, r.claimedAt])).toEqual([
      ['sent', 1, NV1_AT],
      ['pending', 0, null],
    ]);
    messenger.afterSend = undefined;
    await tick(NV1_AT);
    expect(groupSends().map((s) => s.chat.externalId)).toEqual(['-1001', '-1002']);
  });
});
