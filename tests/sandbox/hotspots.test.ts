import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { incidents, incidentVerdicts } from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { TEST_LEXICON } from '../features/hotspots/setup';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, seedOrganisation, startSandboxApp } from './helpers';

let database: TestDatabase;
let app: PulseApp | undefined;
const streams: { close(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrganisation(database);
  const loaded = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'lexicon.yaml');
  if (!loaded.ok) throw new Error(formatErrors(loaded.errors));
  await applyScenario(database.db, loaded.scenario, { now: new Date() });
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await app?.stop();
  app = undefined;
});

describe('hot spots in the sandbox', () => {
  it('messages in a team group → the cell leader’s DM alert → Acknowledge', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const leader = await openEvents(api.base, 'leader');
    streams.push(leader);

    for (const text of ['Công ty nợ lương 3 tháng rồi', 'cty no luong that', 'lg chậm quá ae']) {
      expect((await api.send({ persona: 'worker', chat: 'grp:grp-t1', text })).status).toBe(200);
    }
    // Tổ Một has no leader of its own: the alert goes to the nearest unit above that has one.
    const alert = await leader.message((m) => m.chat === 'dm:leader' && m.text.includes('Điểm nóng'));
    expect(alert.text).toContain('🔥 Điểm nóng #1: Tiền lương');
    expect(alert.text).toContain('Đơn vị: Tổ Một (T1)');
    expect(alert.text).not.toContain('Công Nhân Một');
    const teach = [
      { label: 'Đúng là điểm nóng', data: 'hv:h:1' },
      { label: 'Báo nhầm', data: 'hv:f:1' },
    ];
    expect(alert.buttons).toEqual([
      [
        { label: 'Xác nhận đã nhận', data: 'inc:a:1' },
        { label: 'Đã xử lý', data: 'inc:r:1' },
      ],
      teach,
    ]);

    const pressed = await api.press({
      persona: 'leader',
      chat: 'dm:leader',
      messageId: alert.id,
      data: 'inc:a:1',
    });
    expect(pressed.status).toBe(200);
    expect((await leader.toast()).text).toContain('Đã xác nhận điểm nóng #1');
    const [updated] = (await api.messages('leader', 'dm:leader')).body.messages.filter(
      (m) => m.id === alert.id,
    );
    expect(updated!.text).toContain('✅ Bí Thư Một đã xác nhận');
    expect(updated!.buttons).toEqual([[{ label: 'Đã xử lý', data: 'inc:r:1' }], teach]);
    const [incident] = await database.db.select().from(incidents);
    expect(incident!.status).toBe('acknowledged');

    // Báo nhầm: stored once for this leader, the alert shows the count.
    const judged = await api.press({
      persona: 'leader',
      chat: 'dm:leader',
      messageId: alert.id,
      data: 'hv:f:1',
    });
    expect(judged.status).toBe(200);
    await leader.toast();
    await expect
      .poll(() => leader.toasts().map((t) => t.text))
      .toContainEqual(expect.stringContaining('Đã ghi nhận #1: báo nhầm'));
    const [relabelled] = (await api.messages('leader', 'dm:leader')).body.messages.filter(
      (m) => m.id === alert.id,
    );
    expect(relabelled!.text).toContain('0 đúng là điểm nóng, 1 báo nhầm');
    const verdicts = await database.db.select().from(incidentVerdicts);
    expect(verdicts.map((v) => [v.topicId, v.verdict])).toEqual([['wages', 'false_alarm']]);
    // The worker who wrote cannot judge it.
    await api.press({ persona: 'worker', chat: 'dm:worker', messageId: alert.id, data: 'hv:h:1' });
    expect(await database.db.select().from(incidentVerdicts)).toHaveLength(1);
  });
});
