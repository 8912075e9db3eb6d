import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lexiconOf } from '../../../bot/features/hotspots';
import { auditLog, hotspotTerms, incidents } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, dm, message } from '../../helpers/harness';
import { ADMIN, LEADER_CB1, LEADER_T1, setupHotspots, T1_GROUP, WORKER } from './setup';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

type Setup = Awaited<ReturnType<typeof setupHotspots>>;
const lastText = (setup: Setup) => setup.harness.messenger.last()!.message.text;
const button = (setup: Setup, from: typeof WORKER, data: string) =>
  setup.harness.handle({
    kind: 'button',
    chat: dm(from.externalId),
    from,
    data,
    pressId: `press-${data}-${from.externalId}`,
  });

async function openWagesIncident(setup: Setup) {
  for (let i = 0; i < 3; i++) await setup.harness.handle(message(T1_GROUP, WORKER, 'nợ lương'));
  const [incident] = await database.db.select().from(incidents);
  return incident!;
}

describe('/keywords', () => {
  it('lists the lexicon, adds and removes terms, and the matcher follows at once', async () => {
    const setup = await setupHotspots(database);
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords'));
    expect(lastText(setup)).toContain('wages — Tiền lương; mức độ cao; 3 tin trong 10 phút');
    expect(lastText(setup)).toContain('Loại trừ: bảo hiểm tai nạn');

    await setup.harness.handle(message(T1_GROUP, WORKER, 'công ty khất lương'));
    await setup.harness.handle(
      command(dm(1), ADMIN, '/keywords add wages khất lương, =lương lậu, !khất lương một ngày'),
    );
    expect(lastText(setup)).toBe(
      'Đã thêm vào wages: khất lương, =lương lậu, !khất lương một ngày. Bộ lọc đã cập nhật.',
    );
    for (let i = 0; i < 3; i++) await setup.harness.handle(message(T1_GROUP, WORKER, 'cty khat luong'));
    expect(await database.db.select().from(incidents)).toHaveLength(1);

    await setup.harness.handle(command(dm(1), ADMIN, '/keywords add wages Khất Lương'));
    expect(lastText(setup)).toBe('Không có gì thay đổi (Khất Lương: đã có sẵn).');
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords remove wages khất lương, không có'));
    expect(lastText(setup)).toContain('Đã bỏ khỏi wages: khất lương. Bộ lọc đã cập nhật.');
    expect(lastText(setup)).toContain('không có: không có trong chủ đề');
    expect(lexiconOf(setup.harness.deps).matcher.match('khất lương')).toEqual([]);
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.command, 'keywords'));
    expect(audited.map((a) => a.result)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('refuses bad input and people without the role, changing nothing', async () => {
    const setup = await setupHotspots(database);
    const before = await database.db.select().from(hotspotTerms);
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords add salary nợ lương'));
    expect(lastText(setup)).toContain('Không có chủ đề "salary". Các chủ đề: wages, accident.');
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords add wages !!!, ---'));
    expect(lastText(setup)).toContain('Từ khóa không hợp lệ');
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords add wages'));
    expect(lastText(setup)).toContain('Cách dùng: /keywords [add|remove');
    await setup.harness.handle(command(dm(11), LEADER_T1, '/keywords add wages lương thấp'));
    expect(lastText(setup)).toContain('không có quyền');
    // An admin of one cell may read the lexicon but not edit the organisation's.
    const cellAdmin = await setup.org.personWith(30, 'Quản trị CB2', { role: 'admin', unit: 'CB2' });
    const cellAdminUser = { ...ADMIN, externalId: '30', displayName: cellAdmin.displayName };
    await setup.harness.handle(command(dm(30), cellAdminUser, '/keywords'));
    expect(lastText(setup)).toContain('Bộ từ khóa điểm nóng');
    await setup.harness.handle(command(dm(30), cellAdminUser, '/keywords remove wages nợ lương'));
    expect(lastText(setup)).toContain('không có quyền');
    await setup.harness.handle(command(dm(1), { ...ADMIN, languageCode: 'en' }, '/lang en'));
    await setup.harness.handle(command(dm(1), ADMIN, '/keywords add nope x'));
    expect(lastText(setup)).toContain('There is no topic "nope"');
    expect(await database.db.select().from(hotspotTerms)).toEqual(before);
  });
});

describe('/hotspots, /incident and the alert buttons', () => {
  it('lists open incidents of the caller’s units and shows the timeline', async () => {
    const setup = await setupHotspots(database);
    const incident = await openWagesIncident(setup);
    await setup.harness.handle(command(dm(10), LEADER_CB1, '/hotspots'));
    expect(lastText(setup)).toContain(`#${incident.id} Tiền lương — Tổ 1 (T1): 3 tin, chưa ai xác nhận`);
    const cb2 = await setup.org.personWith(20, 'Lãnh đạo CB2', { role: 'leader', unit: 'CB2' });
    const cb2User = { ...LEADER_CB1, externalId: '20', displayName: cb2.displayName };
    await setup.harness.handle(command(dm(20), cb2User, '/hotspots'));
    expect(lastText(setup)).toBe('Không có điểm nóng nào đang mở ở các đơn vị bạn phụ trách.');
    await setup.harness.handle(command(dm(20), cb2User, `/incident ${incident.id}`));
    expect(lastText(setup)).toContain('không có quyền');
    // A leader, but of another cell: told which unit he may act on, and nothing changes.
    await setup.harness.handle(command(dm(20), cb2User, `/ack ${incident.id}`));
    expect(lastText(setup)).toContain('bạn chỉ dùng được lệnh này cho Chi bộ 2 (CB2)');
    expect(lastText(setup)).not.toContain('cần vai trò');
    await button(setup, cb2User, `inc:a:${incident.id}`);
    expect(setup.harness.messenger.answers.at(-1)!.text).toContain('bạn là lãnh đạo của Chi bộ 2 (CB2)');
    const [row] = await database.db.select().from(incidents).where(eq(incidents.id, incident.id));
    expect(row!.status).toBe('open');

    await setup.harness.handle(command(dm(11), LEADER_T1, `/ack ${incident.id}`));
    await setup.harness.handle(command(dm(11), LEADER_T1, `/ack ${incident.id}`));
    expect(lastText(setup)).toContain('đã được Nguyễn Văn An xác nhận lúc');
    await setup.harness.handle(command(dm(10), LEADER_CB1, `/incident ${incident.id}`));
    const timeline = lastText(setup).split('\n');
    expect(timeline[0]).toBe(
      `Điểm nóng #${incident.id}: Tiền lương — Tổ 1 (T1) (đã xác nhận, mức độ cao, 3 tin)`,
    );
    expect(timeline.slice(1).map((line) => line.replace(/^\S+ \S+ /, ''))).toEqual([
      'mở: 3 tin',
      'bước 1: báo lãnh đạo T1 (1 người)',
      'Nguyễn Văn An xác nhận',
    ]);
    await setup.harness.handle(command(dm(10), LEADER_CB1, '/incident abc'));
    expect(lastText(setup)).toContain('Cách dùng: /incident SỐ');
  });

  it('acknowledges from the button, asks for a note on Resolve, and answers stale or foreign presses', async () => {
    const setup = await setupHotspots(database);
    const incident = await openWagesIncident(setup);
    const { messenger } = setup.harness;

    await button(setup, WORKER, `inc:a:${incident.id}`);
    expect(messenger.answers.at(-1)).toMatchObject({
      alert: true,
      text: expect.stringContaining('không phụ trách'),
    });
    await button(setup, LEADER_T1, `inc:r:${incident.id}`);
    expect(messenger.answers.at(-1)!.text).toBe(
      `Để đóng điểm nóng #${incident.id}, gõ: /resolve ${incident.id} GHI_CHÚ (ghi chú ngắn về cách đã xử lý).`,
    );
    await button(setup, LEADER_T1, `inc:a:${incident.id}`);
    expect(messenger.answers.at(-1)!.text).toContain(`Đã xác nhận điểm nóng #${incident.id}`);
    await button(setup, LEADER_CB1, `inc:a:${incident.id}`);
    expect(messenger.answers.at(-1)!.text).toContain('đã được Nguyễn Văn An xác nhận');
    await button(setup, LEADER_T1, 'inc:a:9999');
    expect(messenger.answers.at(-1)!.text).toContain('Nút này đã cũ');
    await button(setup, LEADER_T1, 'inc:zz');
    expect(messenger.answers.at(-1)!.text).toContain('Nút này đã cũ');
    const presses = new Set(messenger.answers.map((a) => a.pressId));
    expect(presses.size).toBe(messenger.answers.length);
    const [row] = await database.db.select().from(incidents);
    expect(row!.status).toBe('acknowledged');
  });
});
