import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { relayDueFeedback } from '../../bot/features/feedback/feedback';
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
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await app?.stop();
  app = undefined;
});

/** Waits for a condition pushed by the server (an event arriving), not for an amount of time. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('polls and feedback through the sandbox HTTP API', () => {
  it('a pulse is answered with a private toast, counted, closed with thresholds; feedback reaches the leader', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const worker = await openEvents(api.base, 'worker');
    streams.push(worker);

    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/pulse Ca này ổn không? --units CB1' });
    const inTeam = async () => (await api.messages('worker', 'grp:grp-t1')).body.messages;
    const poll = (await inTeam()).find((m) => m.buttons)!;
    expect(poll.text).toContain('Ca này ổn không?');
    expect(poll.buttons![0]!.map((b) => b.label)).toEqual(['😞 1', '🙁 2', '😐 3', '🙂 4', '😀 5']);

    const press = (persona: string, data: string) =>
      api.press({ persona, chat: 'grp:grp-t1', messageId: poll.id, data });
    expect((await press('worker', 'pa:1:3')).status).toBe(200);
    expect(await worker.toast()).toEqual({ text: expect.stringContaining('Đã ghi nhận'), alert: false });
    await press('worker', 'pa:1:0');
    await until(() => worker.toasts().length >= 2);
    expect(worker.toasts()[1]).toEqual({
      text: expect.stringContaining('đã trả lời khảo sát này rồi'),
      alert: false,
    });
    // The leader is not in the audience (workers only): refused, not counted.
    await press('leader', 'pa:1:4');
    expect((await inTeam()).filter((m) => m.sender === 'bot').map((m) => m.id)).toEqual([poll.id]);

    await app.scheduler.runAll();
    expect((await inTeam()).find((m) => m.id === poll.id)!.text).toContain('1 người đã trả lời');

    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/close 1' });
    const closing = (await inTeam()).at(-1)!;
    expect(closing.text).toContain('Kết quả khảo sát #1');
    expect(closing.text).toContain('chưa đủ câu trả lời để giữ ẩn danh');
    expect(closing.text).not.toMatch(/🙂 4 .*1 \(/);
    expect((await inTeam()).find((m) => m.id === poll.id)!.buttons ?? []).toEqual([]);

    await api.send({ persona: 'worker', chat: 'dm:worker', text: '/gopy Phòng thay đồ thiếu tủ' });
    const confirmation = (await api.messages('worker', 'dm:worker')).body.messages.at(-1)!;
    expect(confirmation.text).toContain('Đã nhận góp ý ẩn danh');
    await relayDueFeedback(app.deps, new Date(Date.now() + 60 * 60 * 1000));
    const relayed = (await api.messages('leader', 'dm:leader')).body.messages.at(-1)!;
    expect(relayed.text).toContain('Góp ý ẩn danh — Tổ Một');
    expect(relayed.text).toContain('Phòng thay đồ thiếu tủ');
    expect(relayed.text).not.toContain('Công Nhân');
  });
});
