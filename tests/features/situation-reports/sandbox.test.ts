import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { client, seedOrganisation, startSandboxApp } from '../../sandbox/helpers';

let database: TestDatabase;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrganisation(database);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('situation reports in the sandbox', () => {
  it('an admin asks, the leader writes and sends the report in his DM, /requests shows it sent; a worker sees nothing', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const botSays = async (persona: string, chat: string) =>
      (await api.messages(persona, chat)).body.messages.filter((m) => m.sender === 'bot');
    const pressLabel = async (persona: string, chat: string, label: string) => {
      const messages = await botSays(persona, chat);
      for (const message of [...messages].reverse()) {
        const button = message.buttons?.flat().find((b) => b.label.includes(label));
        if (button && 'data' in button) {
          await api.press({ persona, chat, messageId: message.id, data: button.data });
          return;
        }
      }
      throw new Error(`no button "${label}" in ${chat}: ${JSON.stringify(messages)}`);
    };

    // The cell T1 gets a collaborator of its own (the CB1 leader, who also reports for the team).
    await api.send({
      persona: 'admin',
      chat: 'dm:admin',
      text: '/role grant collaborator sandbox:leader T1',
    });
    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/yeucau CB1 --until 48h' });
    expect((await botSays('admin', 'dm:admin')).at(-1)!.text).toContain('Đã gửi yêu cầu báo cáo #1 tới 1');
    await pressLabel('leader', 'dm:leader', 'Viết báo cáo');
    expect((await botSays('leader', 'dm:leader')).at(-1)!.text).toContain('Mục 1/5');
    await api.send({
      persona: 'leader',
      chat: 'dm:leader',
      text: '1. Anh em yên tâm sản xuất\n2. Lo chậm lương tháng 12\n3. Ủng hộ sắp xếp tổ đội\n4. Trả lương đúng hạn\n5. 4',
    });
    expect((await botSays('leader', 'dm:leader')).at(-1)!.text).toContain('Lo chậm lương tháng 12');
    await pressLabel('leader', 'dm:leader', 'Gửi báo cáo');
    expect((await botSays('leader', 'dm:leader')).at(-1)!.text).toContain('Đã gửi báo cáo');

    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/requests' });
    expect((await botSays('admin', 'dm:admin')).at(-1)!.text).toContain('✅');

    await api.send({ persona: 'worker', chat: 'dm:worker', text: '/requests' });
    const refusal = (await botSays('worker', 'dm:worker')).at(-1)!.text;
    expect(refusal).not.toContain('Lo chậm lương');
    expect(refusal).not.toContain('✅');
  });
});
