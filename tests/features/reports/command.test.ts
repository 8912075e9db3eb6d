import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UserRef } from '../../../bot/kernel/types';
import { auditLog } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, dm, type Harness } from '../../helpers/harness';
import { ADMIN, buildWeek, COLLABORATOR_CB1, GROUPS, LEADER_CB1, LEADER_CB2 } from './world';

let database: TestDatabase;
let h: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  h = await buildWeek(database, { CB1: [4, 4, 5, 5, 3], T1: [2, 2, 3, 3, 3], CB2: [1, 2, 3, 4, 5, 5] });
});

async function run(from: UserRef, text: string, chat = dm(from.externalId)) {
  h.messenger.clear();
  await h.handle(command(chat, from, text));
  return h.messenger.sent;
}
const text = async (from: UserRef, args: string, chat = dm(from.externalId)) =>
  (await run(from, `/report ${args}`.trim(), chat)).map((s) => s.message.text).join('\n');

describe('/report', () => {
  it('lets admins report on any unit, leaders and collaborators on their subtree only', async () => {
    expect(await text(ADMIN, 'CB2')).toContain('BÁO CÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI');
    expect(await text(ADMIN, '')).toContain('Đảng ủy Công ty (CTY)');
    expect(await text(LEADER_CB1, 'T1')).toContain('Tổ 1 (T1)');
    expect(await text(LEADER_CB1, '')).toContain('Chi bộ 1 (CB1)');
    expect(await text(COLLABORATOR_CB1, 'CB1')).toContain('Chi bộ 1 (CB1)');
    for (const [who, code] of [
      [LEADER_CB1, 'CB2'],
      [LEADER_CB2, 'CB1'],
      [LEADER_CB1, 'CTY'],
      [COLLABORATOR_CB1, 'CTY'],
    ] as const) {
      const refused = await text(who, code);
      expect(refused).toContain('không có quyền');
      expect(refused).not.toContain('BÁO CÁO');
    }
    const worker = { platform: 'telegram' as const, externalId: '100', displayName: 'Công nhân' };
    expect(await text(worker, 'CB1')).toContain('không có quyền');
  });

  it('reports on the group’s own unit by default', async () => {
    const sent = await text(LEADER_CB2, '', GROUPS.CB2);
    expect(sent).toContain('Chi bộ 2 (CB2)');
  });

  it('answers wrong arguments with the usage and an unknown unit by its code, changing nothing', async () => {
    for (const args of [
      '--period year',
      '--format pdf',
      'CB1 CB2',
      '--period',
      '--period 2024-02-30..2024-03-01',
      '--period 2024-03-10..2024-03-01',
    ]) {
      expect(await text(ADMIN, args), args).toContain('Cách dùng: /report');
    }
    expect(await text(ADMIN, 'XYZ')).toContain('Không tìm thấy đơn vị có mã "XYZ"');
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.command, 'report'));
    expect(audit.filter((a) => a.result === 'ok')).toHaveLength(0);
  });

  it('honours a custom period in the configured time zone; a platform without files gets the text', async () => {
    const sent = await text(ADMIN, 'CTY --period 2024-03-11..2024-03-17 --format csv');
    expect(sent).toContain('không nhận tệp');
    expect(sent).toContain('11/03');
    expect(sent).toContain('17/03/2024');
  });
});
