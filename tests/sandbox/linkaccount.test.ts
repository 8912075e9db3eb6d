import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { identities } from '../../db/schema';
import { type FakeZalo, startFakeZalo } from '../fakes/zalo-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, seedOrganisation } from './helpers';

const ZALO_TOKEN = '1459232241454765289:sandbox';
const LEADER_ZALO = { id: 'zl-leader', display_name: 'Bí thư trên Zalo' };

let database: TestDatabase;
let zalo: FakeZalo;
let app: PulseApp | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrganisation(database);
  zalo = await startFakeZalo({ token: ZALO_TOKEN });
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await zalo.stop();
});

describe('sandbox and Zalo in one Pulse: /linkaccount', () => {
  it('a leader takes a code in the sandbox, links their Zalo account by a numbered reply, and is told in the sandbox', async () => {
    const config = loadConfig({
      SANDBOX: 'on',
      ZALO_BOT_TOKEN: ZALO_TOKEN,
      ZALO_API_ROOT: zalo.apiRoot,
      PORT: '0',
      PGLITE_DIR: 'memory://',
    });
    app = await startPulse({
      config,
      database,
      clock: new FakeClock(new Date()),
      logger: pino({ level: 'silent' }),
    });
    const api = client(app);
    const events = await openEvents(api.base, 'leader');

    expect((await api.send({ persona: 'leader', chat: 'dm:leader', text: '/linkaccount' })).status).toBe(200);
    const codeMessage = await events.message((m) => m.sender === 'bot' && m.text.includes('Mã liên kết'));
    const code = /: ([0-9A-Z]{8})\n/.exec(codeMessage.text)?.[1];
    expect(code).toBeDefined();

    zalo.message({ from: LEADER_ZALO, text: `/linkaccount ${code}` });
    const prompt = await zalo.waitForSent((m) => m.chat_id === LEADER_ZALO.id);
    expect(prompt.text).toContain('với Bí Thư Một?');
    expect(prompt.text).toContain('lãnh đạo đơn vị');
    const since = zalo.sentMessages.length;
    zalo.message({ from: LEADER_ZALO, text: '1' });
    expect((await zalo.waitForSent((m) => m.chat_id === LEADER_ZALO.id, { since })).text).toContain(
      'giờ thuộc về Bí Thư Một',
    );

    const notice = await events.message((m) => m.text.includes('Một tài khoản Zalo vừa được liên kết'));
    expect(notice.chat).toBe('dm:leader');
    const accounts = await database.db.select().from(identities);
    const leader = accounts.find((a) => a.platform === 'sandbox' && a.externalId === 'leader');
    expect(accounts.find((a) => a.externalId === LEADER_ZALO.id)?.personId).toBe(leader?.personId);
    events.close();
  });
});
