import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relayDueFeedback } from '../../bot/features/feedback/feedback';
import type { InboundEvent } from '../../bot/kernel/types';
import { feedback, feedbackReplyHandles, identities, people, roles } from '../../db/schema';
import { pollsWorld } from '../features/polls/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, type Harness } from '../helpers/harness';
import { RecordingMessenger } from '../helpers/recording-messenger';

/**
 * A database reader looks for a row that holds a person (their account or person id) beside a
 * feedback id: on Zalo (no buttons) the reply offer becomes a numbered prompt stored beside the
 * sender's account for 30 days, so it must carry a token only PULSE_SECRET opens.
 */
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const HOUR = 60 * 60 * 1000;
let database: TestDatabase;
let harness: Harness;
let zalo: RecordingMessenger;
let world: Awaited<ReturnType<typeof pollsWorld>>;
let personId: number;

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
  harness = createHarness(database, { PULSE_SECRET: SECRET }, [zalo]);
  world = await pollsWorld(database, harness);
  const [person] = await database.db.insert(people).values({ displayName: 'Thợ Zalo' }).returning();
  personId = person!.id;
  await database.db.insert(identities).values({ personId, platform: 'zalo', externalId: 'z-77' });
  await database.db
    .insert(roles)
    .values({ personId, unitId: world.org.ids.T1, role: 'worker', source: 'scenario' });
});

const zaloDm = { platform: 'zalo' as const, externalId: 'z-77', kind: 'dm' as const };
const from = { platform: 'zalo' as const, externalId: 'z-77', displayName: 'Thợ Zalo' };
let n = 0;
const zaloMessage = (text: string): InboundEvent => ({
  kind: 'message',
  chat: zaloDm,
  from,
  text,
  updateId: `z-${++n}`,
});

/** Every row of every table, as text. */
async function everyRow(): Promise<{ table: string; row: string }[]> {
  const tables = await database.query<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  const rows: { table: string; row: string }[] = [];
  for (const { tablename } of tables) {
    const found = await database.query<{ r: string }>(
      sql.raw(`select row_to_json(t)::text as r from "${tablename}" t`),
    );
    for (const f of found) rows.push({ table: tablename, row: f.r });
  }
  return rows;
}

describe('no link rows', () => {
  it('keeps no row with the Zalo sender beside their feedback id, and the reply still reaches them', async () => {
    await harness.handle(command(zaloDm, from, '/gopy Nhà vệ sinh tầng 2 hỏng'));
    const offer = zalo.sent.at(-1)!.message.text;
    // The offer says plainly who could open the handle.
    expect(offer).toContain('người vận hành máy chủ');
    expect(offer).not.toContain('PULSE_SECRET');
    expect(offer).toContain('1.');
    await harness.handle(zaloMessage('1'));
    expect([...zalo.answers.map((a) => a.text), ...zalo.texts('z-77')].join('\n')).toContain('Đã cho phép');
    // Feedback and handle are written together at the hourly step, then the relay goes out.
    expect(await database.db.select().from(feedbackReplyHandles)).toHaveLength(0);
    harness.clock.advance(HOUR);
    await relayDueFeedback(harness.deps, harness.clock.now());
    expect(await database.db.select().from(feedbackReplyHandles)).toHaveLength(1);

    const [item] = await database.db.select().from(feedback);
    const ids = [item!.id, item!.id.replace(/-/g, '')];
    for (const { table, row } of await everyRow()) {
      const holdsPerson = row.includes('z-77') || new RegExp(`"person_?id":${personId}\\b`, 'i').test(row);
      if (!holdsPerson) continue;
      for (const id of ids) expect(row, `${table}: ${row}`).not.toContain(id);
    }

    // The feature works: the relay went out at the hour and the leader's reply reaches the sender.
    await harness.handle(command(dm(2), world.leaderCb1, `/reply ${item!.id.slice(0, 8)} Sẽ sửa ngay`));
    expect(zalo.texts('z-77').at(-1)).toContain('Sẽ sửa ngay');
  });
});
