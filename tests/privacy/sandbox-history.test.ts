import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { relayDueFeedback } from '../../bot/features/feedback/feedback';
import { ANONYMOUS_PLACEHOLDER } from '../../bot/sandbox/keys';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, seedOrganisation, startSandboxApp } from '../sandbox/helpers';

/** The sandbox's message history, read by whoever has its database or its API, holds no anonymous text. */
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

const SECRET = 'Quản đốc ca ba chửi công nhân';

describe('sandbox history and anonymous commands', () => {
  it('keeps /gopy text out of the stored history and the live view, and still delivers it', async () => {
    app = await startSandboxApp(database);
    const api = client(app);
    const live = await openEvents(api.base, 'worker');
    try {
      const sent = await api.send({ persona: 'worker', chat: 'dm:worker', text: `/gopy ${SECRET}` });
      expect(sent.status).toBe(200);
      expect(sent.body.message.text).toBe(ANONYMOUS_PLACEHOLDER);
      await api.send({ persona: 'worker', chat: 'dm:worker', text: `/feedback ${SECRET} lần hai` });
      await api.send({ persona: 'worker', chat: 'dm:worker', text: '/help' });

      const history = (await api.messages('worker', 'dm:worker')).body.messages;
      expect(history.filter((m) => m.sender === 'worker').map((m) => m.text)).toEqual([
        ANONYMOUS_PLACEHOLDER,
        ANONYMOUS_PLACEHOLDER,
        '/help',
      ]);
      const pushed = await live.message((m) => m.sender === 'worker');
      expect(pushed.text).toBe(ANONYMOUS_PLACEHOLDER);
      expect(live.messages().some((m) => m.text.includes('chửi công nhân'))).toBe(false);

      // A database reader finds the text in no sandbox row, beside the sender or not.
      const rows = await database.query<{ text: string }>(sql`select text from sandbox_messages`);
      expect(rows.some((row) => row.text.includes('chửi công nhân'))).toBe(false);

      // The feature still works: the leader gets the feedback on the hour.
      await relayDueFeedback(app.deps, new Date(Date.now() + 60 * 60 * 1000));
      const relayed = (await api.messages('leader', 'dm:leader')).body.messages.map((m) => m.text).join('\n');
      expect(relayed).toContain(SECRET);
      expect(relayed).not.toContain('Công Nhân');
    } finally {
      live.close();
    }
  });
});
