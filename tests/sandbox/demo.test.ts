import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { directives, pollSeries, reportSchedules } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, startSandboxApp } from './helpers';

// A newcomer's first start: an empty database, Pulse seeds scenarios/demo.yaml, and every job can
// be tried at once — directives, the lexicon, a recurring pulse, a scheduled report.
let database: TestDatabase;
let app: PulseApp;
let seededAt: number;
beforeAll(async () => {
  database = await createTestDatabase();
  seededAt = Date.now();
  app = await startSandboxApp(database);
});
afterAll(async () => {
  await app?.stop();
  await database.destroy();
});

async function ask(persona: string, text: string): Promise<string> {
  const api = client(app);
  const chat = `dm:${persona}`;
  const sent = await api.send({ persona, chat, text });
  expect(sent.status).toBe(200);
  const messages = (await api.messages(persona, chat)).body.messages;
  const after = messages.findIndex((m) => m.id === sent.body.message.id);
  return messages
    .slice(after + 1)
    .map((m) => m.text)
    .join('\n');
}

describe('the demo company of a fresh sandbox', () => {
  it('/directives lists both directives, the first due a few minutes after the first start', async () => {
    const answer = await ask('ha', '/directives');
    expect(answer).not.toContain('Chưa có nhiệm vụ nào');
    expect(answer).toContain('AT-CA3');
    expect(answer).toContain('TUAN');
    const [first] = await database.db.select().from(directives).where(eq(directives.key, 'AT-CA3'));
    const minutes = (first!.at!.getTime() - seededAt) / 60_000;
    expect(minutes).toBeGreaterThan(4);
    expect(minutes).toBeLessThan(6);
  });

  it('/keywords lists the full lexicon of the shipped plan', async () => {
    const answer = await ask('ha', '/keywords');
    expect(answer).not.toContain('Chưa có bộ từ khóa nào');
    expect(answer).toContain('nợ lương');
    expect(answer).toContain('nản quá');
  });

  it('has a recurring pulse and a scheduled report', async () => {
    expect((await database.db.select().from(pollSeries)).map((s) => s.key)).toEqual(['weekly-pulse']);
    expect((await database.db.select().from(reportSchedules)).map((s) => s.key)).toEqual(['weekly-cells']);
  });
});
