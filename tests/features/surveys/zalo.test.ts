import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRef, UserRef } from '../../../bot/kernel/types';
import { identities, people, roles, surveyProgress, units } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, message } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { dumpDatabase, surveysWorld } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const zaloUser = (id: string): UserRef => ({ platform: 'zalo', externalId: id, displayName: id });
const zaloDm = (id: string): ChatRef => ({ platform: 'zalo', externalId: id, kind: 'dm' });

describe('surveys on Zalo (no buttons: numbered replies)', () => {
  it('asks one numbered question per message and takes "2" and typed text, refuses a number out of range', async () => {
    const zalo = new RecordingMessenger('zalo', {
      buttons: false,
      groups: false,
      edit: false,
      ephemeral: false,
      maxTextLength: 2000,
    });
    const h = createHarness(database, {}, [zalo]);
    const { admin } = await surveysWorld(database, h);
    const [cb1] = await database.db.select().from(units).where(eq(units.code, 'CB1'));
    const [person] = await database.db.insert(people).values({ displayName: 'Thợ Zalo' }).returning();
    await database.db
      .insert(identities)
      .values({ personId: person!.id, platform: 'zalo', externalId: 'z-1' });
    await database.db
      .insert(roles)
      .values({ personId: person!.id, unitId: cb1!.id, role: 'worker', source: 'scenario' });
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));

    const me = zaloUser('z-1');
    const chat = zaloDm('z-1');
    await h.handle(command(chat, me, '/lamkhaosat'));
    const first = zalo.sent.at(-1)!.message.text;
    expect(first).toContain('Câu 1/5');
    expect(first).toMatch(/1\W+1 😞/);
    for (const [reply, next] of [
      ['2', 'Câu 2/5'],
      ['1', 'Câu 3/5'],
      ['3', 'Câu 4/5'],
      ['11', 'Câu 5/5'],
    ] as const) {
      await h.handle(message(chat, me, reply));
      expect(zalo.sent.at(-1)!.message.text).toContain(next);
    }
    // Out of range is refused, nothing moves.
    await h.handle(message(chat, me, '42'));
    expect((await database.db.select().from(surveyProgress))[0]).toMatchObject({ question: 4 });
    const secret = 'quạt ở lò chợ hỏng';
    await h.handle(message(chat, me, secret));
    expect(zalo.sent.at(-1)!.message.text).toContain('Xong!');
    // What Zalo's numbered prompts keep is what was offered, never what was chosen or typed.
    const dump = await dumpDatabase(database);
    expect(dump).not.toContain(secret);
    expect((await database.db.select().from(surveyProgress))[0]).toMatchObject({ finished: true });
  });
});
