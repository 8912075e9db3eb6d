import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { applyScenario } from '../../scenarios/engine';
import { parseScenario } from '../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, startSandboxApp } from './helpers';

/** One cell with a group, an admin and a worker, and a directive that asks for acknowledgement. */
const CAMPAIGN = `
version: 1
organisation: { name: Công ty Thử nghiệm }
units:
  - code: CTY
    name: Công ty Thử nghiệm
    children: [{ code: CB1, name: Chi bộ Một }]
people:
  - { key: admin, name: Quản Trị Viên, identities: { sandbox: admin }, roles: [{ role: admin, unit: CTY }] }
  - { key: worker, name: Công Nhân Một, identities: { sandbox: worker }, roles: [{ role: worker, unit: CB1 }] }
chats:
  - { platform: sandbox, id: grp-cb1, title: Nhóm Chi bộ Một, unit: CB1 }
directives:
  - id: NV1
    title: Quán triệt Kết luận 100-KL/TW
    body: Các chi bộ **tổ chức quán triệt** tới toàn thể đảng viên.
    source: Công văn 230-CV/BTG ngày 05/3/2024
    schedule: { at: 2030-01-01 08:00 }
    ack: true
`;

let database: TestDatabase;
let app: PulseApp | undefined;
const streams: { close(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  const parsed = parseScenario(CAMPAIGN, 'sandbox-directives.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await applyScenario(database.db, parsed.scenario, { now: new Date() });
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await app?.stop();
  app = undefined;
});

describe('directives in the sandbox', () => {
  it('an admin pushes a directive, the group sees it without markup, a worker taps Đã nắm, /reach counts it', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const worker = await openEvents(api.base, 'worker');
    streams.push(worker);

    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/push NV1' });
    expect((await api.messages('admin', 'dm:admin')).body.messages.at(-1)?.text).toContain('tới 1 nhóm');
    await app.scheduler.runAll();
    const post = (await api.messages('worker', 'grp:grp-cb1')).body.messages.at(-1)!;
    expect(post.text).toContain('📢 Quán triệt Kết luận 100-KL/TW');
    expect(post.text).toContain('Các chi bộ tổ chức quán triệt tới toàn thể đảng viên.');
    expect(post.text).not.toContain('**');

    const button = post.buttons![0]![0]!;
    const data = 'data' in button ? button.data : '';
    const pressed = await api.press({ persona: 'worker', chat: 'grp:grp-cb1', messageId: post.id, data });
    expect(pressed.status).toBe(200);
    expect(await worker.toast()).toMatchObject({ text: expect.stringContaining('Đã ghi nhận') });
    const edited = await worker.message((m) => m.id === post.id && m.text.includes('Đã nắm: 1 người'));
    expect(edited.text).not.toContain('Công Nhân Một');

    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/reach NV1' });
    expect((await api.messages('admin', 'dm:admin')).body.messages.at(-1)?.text).toContain(
      '• Chi bộ Một (CB1): 1/1 nhóm đã nhận · đã nắm 1/1 người (100%)',
    );
  });
});
