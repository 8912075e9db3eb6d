import { strFromU8, unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { localParts } from '../../../bot/kernel/time';
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

const day = (date: Date) => {
  const p = localParts(date, 'Asia/Ho_Chi_Minh');
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
};

describe('/report through the sandbox HTTP API', () => {
  it('the leader gets the chart and a Word file for their cell, and is refused the other cell', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const range = `${day(new Date(Date.now() - 7 * 86_400_000))}..${day(new Date())}`;

    await api.send({ persona: 'leader', chat: 'dm:leader', text: `/report --period ${range}` });
    await api.send({
      persona: 'leader',
      chat: 'dm:leader',
      text: `/report CB1 --period ${range} --format docx`,
    });
    await api.send({ persona: 'leader', chat: 'dm:leader', text: '/report CB2' });
    const { body } = await api.messages('leader', 'dm:leader');
    const fromBot = body.messages.filter((m) => m.sender === 'bot');
    expect(fromBot[0]!.text).toContain('Chi bộ Một (CB1)');
    expect(fromBot[1]!.file).toMatchObject({ mime: 'image/png', image: true });
    expect(fromBot[2]!.file?.name).toMatch(/^bao-cao-dlxh-CB1-.*\.docx$/);
    expect(fromBot[3]!.text).toContain('không có quyền');
    // A leader, of another cell: told which unit he may ask about.
    expect(fromBot[3]!.text).toContain('bạn chỉ dùng được lệnh này cho Chi bộ Một (CB1)');

    const res = await fetch(`${api.base}/sandbox/api/files/${fromBot[2]!.file!.id}?persona=leader`);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(strFromU8(files['word/document.xml']!)).toContain('Chi bộ Một');
  });

  it('/report typed in a group answers in DM, and says so in the group', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    await api.send({ persona: 'leader', chat: 'grp:grp-cb1', text: '/report' });
    const group = (await api.messages('worker', 'grp:grp-cb1')).body.messages.filter(
      (m) => m.sender === 'bot',
    );
    expect(group.map((m) => m.text)).toEqual([expect.stringContaining('Đã gửi báo cáo vào tin nhắn riêng')]);
    expect(group.some((m) => m.file)).toBe(false);
    const dm = (await api.messages('leader', 'dm:leader')).body.messages.filter((m) => m.sender === 'bot');
    expect(dm[0]!.text).toContain('Báo cáo bạn yêu cầu trong nhóm');
    expect(dm[1]!.text).toContain('Chi bộ Một (CB1)');
    expect(dm[2]!.file).toMatchObject({ mime: 'image/png', image: true });
  });
});
