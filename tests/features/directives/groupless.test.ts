import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDirectiveTick } from '../../../bot/features/directives';
import type { ChatRef, UserRef } from '../../../bot/kernel/types';
import { directiveAcks, directiveDeliveries } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message, user } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { applyText, CAMPAIGN, directiveId } from './fixtures';

/** CAMPAIGN plus two Zalo-only workers: one of CB1, one of CB2; and a CB1 worker in CB1's Telegram group. */
const WITH_ZALO = CAMPAIGN.replace(
  'chats:',
  `  - key: zalo-cb1
    name: Thợ Zalo 1
    identities: { zalo: "z-1" }
    roles: [{ role: worker, unit: CB1 }]
  - key: zalo-cb2
    name: Thợ Zalo 2
    identities: { zalo: "z-2" }
    roles: [{ role: worker, unit: CB2 }]
chats:`,
);

const ADMIN = user(1, 'Quản trị');
const NV1_AT = new Date('2024-03-15T01:00:00Z');
const HOUR = 3_600_000;
const zaloUser = (id: string): UserRef => ({ platform: 'zalo', externalId: id, displayName: id });
const zaloDm = (id: string): ChatRef => ({ platform: 'zalo', externalId: id, kind: 'dm' });

let database: TestDatabase;
let h: Harness;
let zalo: RecordingMessenger;
let tick: ReturnType<typeof createDirectiveTick>;

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
  tick = createDirectiveTick(h.deps, 'test-worker');
  await applyText(database, WITH_ZALO);
});

async function at(when: Date) {
  h.clock.set(when);
  return tick(h.clock.now());
}

describe('directives on a platform without groups', () => {
  it('reach each group-less person once by DM, as numbered choices, restart-safe', async () => {
    await at(NV1_AT);
    expect(zalo.sent.map((s) => [s.chat.externalId, s.chat.kind]).sort()).toEqual([
      ['z-1', 'dm'],
      ['z-2', 'dm'],
    ]);
    const text = zalo.texts('z-1')[0]!;
    expect(text).toContain('Quán triệt Kết luận 100-KL/TW');
    expect(text).toMatch(/1\. .*Đã nắm/i);
    const telegramGroups = h.messenger.sent.filter((s) => s.chat.kind === 'group').length;
    expect(telegramGroups).toBe(2);

    // Another tick (or a restarted process) sends nothing again.
    await at(new Date(NV1_AT.getTime() + 60_000));
    await createDirectiveTick(h.deps, 'other-worker')(h.clock.now());
    expect(zalo.sent).toHaveLength(2);
    const rows = await database.db.select().from(directiveDeliveries);
    expect(rows.filter((r) => r.personId !== null).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('counts a numbered reply "1" (or "ĐÃ NẮM") as the acknowledgement, once', async () => {
    await at(NV1_AT);
    await h.handle(message(zaloDm('z-1'), zaloUser('z-1'), '1'));
    expect(zalo.answers.at(-1)!.text).toContain('Đã ghi nhận');
    await h.handle(message(zaloDm('z-2'), zaloUser('z-2'), 'ĐÃ NẮM'));
    await h.handle(message(zaloDm('z-2'), zaloUser('z-2'), '1'));
    const acks = await database.db
      .select()
      .from(directiveAcks)
      .where(eq(directiveAcks.directiveId, await directiveId(database, 'NV1')));
    expect(acks).toHaveLength(2);
  });

  it('/push reaches them too, and /reach counts them apart from groups', async () => {
    await h.handle(command(dm(ADMIN.externalId), ADMIN, '/push NV-THANG'));
    expect(h.messenger.texts(ADMIN.externalId).at(-1)).toContain('1 nhóm và 1 người qua tin nhắn riêng');
    await at(h.clock.now());
    expect(zalo.sent.map((s) => s.chat.externalId)).toEqual(['z-1']);

    await h.handle(command(dm(ADMIN.externalId), ADMIN, '/reach NV-THANG'));
    expect(h.messenger.texts(ADMIN.externalId).at(-1)).toContain(
      'Tin nhắn riêng (nền tảng không có nhóm): 1/1 người đã nhận · đã nắm 0 người',
    );
  });

  it('remind the DM cohort as a whole when too few of them acknowledged, never only the silent ones', async () => {
    await at(NV1_AT);
    await h.handle(message(zaloDm('z-1'), zaloUser('z-1'), '1'));
    zalo.clear();
    await at(new Date(NV1_AT.getTime() + 49 * HOUR));
    // 1 of 2 acknowledged (50% < 80%): both get the reminder, the one who acknowledged too.
    expect(zalo.sent.map((s) => s.chat.externalId).sort()).toEqual(['z-1', 'z-2']);
    expect(zalo.texts('z-2')[0]).toContain('Nhắc lại');
  });
});
