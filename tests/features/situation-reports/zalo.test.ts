import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDueRequests } from '../../../bot/features/situation-reports';
import type { ChatRef, UserRef } from '../../../bot/kernel/types';
import { reportSubmissions } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { createHarness, type Harness, message } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { applyOrg, FIRST_OF_APRIL, ORG } from './fixtures';

/** The same organisation, with CB2's leader on Zalo (no buttons: numbered replies). */
const WITH_ZALO = ORG.replace(
  '{ key: bi-thu-2, name: Bí thư Hai, identities: { telegram: "21" }',
  '{ key: bi-thu-2, name: Bí thư Hai, identities: { zalo: "z-21" }',
);
const zaloUser: UserRef = { platform: 'zalo', externalId: 'z-21', displayName: 'Bí thư Hai' };
const zaloDm: ChatRef = { platform: 'zalo', externalId: 'z-21', kind: 'dm' };

let database: TestDatabase;
let zalo: RecordingMessenger;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  zalo = new RecordingMessenger('zalo', {
    buttons: false,
    groups: false,
    edit: false,
    ephemeral: false,
    maxTextLength: 2000,
  });
  h = createHarness(database, {}, [zalo]);
  await applyOrg(database, WITH_ZALO);
  h.clock.set(FIRST_OF_APRIL);
});

const say = async (text: string) => {
  await h.handle(message(zaloDm, zaloUser, text));
  return zalo.texts('z-21').at(-1) ?? '';
};

describe('situation reports on Zalo (numbered replies)', () => {
  it('a leader writes and sends the report by typing numbers and answers', async () => {
    await openDueRequests(h.deps, FIRST_OF_APRIL);
    expect(zalo.texts('z-21')[0]).toContain('📝 Yêu cầu báo cáo #1');
    expect(zalo.texts('z-21')[0]).toMatch(/1\. ✍️ Viết báo cáo/);
    expect(await say('1')).toContain('Mục 1/5');
    await say('Ổn định');
    await say('Không có');
    await say('Đồng tình');
    expect(await say('Không')).toContain('Mục 5/5');
    const summary = await say('4');
    expect(summary).toContain('📋 Bản nháp báo cáo của Chi bộ Đào lò');
    // ✏️ 1 … ✏️ 5 are choices 1–5, "Gửi báo cáo" is choice 6.
    expect(summary).toMatch(/6\. 📤 Gửi báo cáo/);
    expect(await say('2')).toContain('Nội dung hiện có:\nKhông có');
    expect(await say('Lo chậm lương')).toContain('Lo chậm lương');
    expect(await say('6')).toContain('✅ Đã gửi báo cáo của Chi bộ Đào lò');
    const [sub] = await database.db.select().from(reportSubmissions);
    expect(sub).toMatchObject({ status: 'submitted', late: false });
    expect(sub!.answers).toMatchObject({ 'buc-xuc': 'Lo chậm lương', 'tam-trang': '4' });
  });
});
