import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayDueFeedback } from '../../../bot/features/feedback/feedback';
import { closeDuePolls } from '../../../bot/features/polls/close';
import { refreshParticipation } from '../../../bot/features/polls/participation';
import type { UserRef } from '../../../bot/kernel/types';
import { createLogger, safeError } from '../../../bot/runtime/logger';
import { feedback, identities, people } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message, user } from '../../helpers/harness';
import { pollsWorld, tap } from './helpers';

const HOUR = 60 * 60 * 1000;
const SECRET = 'privacy-test-secret-0123456789-abcdefghij';

let database: TestDatabase;
let harness: Harness;
const logLines: Record<string, unknown>[] = [];

/** Twenty workers with distinctive ids and names, so any trace of them is easy to spot. */
const workers: UserRef[] = Array.from({ length: 20 }, (_, i) =>
  user(8_800_101 + i, `Nguyễn Thị Riêng Tư ${String.fromCharCode(65 + i)}`, `rieng_tu_${i + 1}`),
);
const COMMENTS = workers.slice(0, 5).map((_, i) => `Góp ý bí mật số ${i + 1}: bếp ăn ca ba quá muộn`);
const FEEDBACK = workers.slice(0, 3).map((_, i) => `Phản ánh kín đáo số ${i + 1}: thiếu bảo hộ`);

async function dumpEveryTable(): Promise<Map<string, Record<string, unknown>[]>> {
  const tables = await database.query<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const dump = new Map<string, Record<string, unknown>[]>();
  for (const { tablename } of tables)
    dump.set(tablename, await database.query(sql.raw(`select * from "${tablename}"`)));
  return dump;
}

beforeAll(async () => {
  database = await createTestDatabase();
  harness = createHarness(database, { PULSE_SECRET: SECRET });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  harness.deps.logger = createLogger('info', { destination: sink, pretty: false });
  const world = await pollsWorld(database, harness);
  harness.clock.set('2026-03-05T02:13:27.123Z');

  // Poll 1, in groups, with comments: twelve answer (CB1 6, T1 2, CB2 4), five of them comment.
  await harness.handle(
    command(dm(1), world.admin, '/pulse Bữa ăn giữa ca thế nào? --units CB1,CB2 --comments'),
  );
  const groupOf = (i: number) => (i < 6 ? world.groups.CB1 : i < 8 ? world.groups.T1 : world.groups.CB2);
  for (const [i, person] of workers.slice(0, 12).entries()) {
    harness.clock.advance(61_000);
    await harness.handle(tap(groupOf(i), person, `pa:1:${i % 5}`));
  }
  for (const [i, text] of COMMENTS.entries()) {
    // "Thêm ý kiến" opens the DM with /start cmt-1; the next message there is the comment.
    await harness.handle(command(dm(workers[i]!.externalId), workers[i]!, '/start cmt-1'));
    await harness.handle(message(dm(workers[i]!.externalId), workers[i]!, text));
  }
  // Poll 2, by DM to CB2: the rest are seen in CB2's group first, then everyone there answers privately.
  for (const person of workers.slice(12)) await harness.handle(message(world.groups.CB2, person, 'có mặt'));
  await harness.handle(
    command(dm(1), world.admin, '/poll Ca nào hợp lý hơn? | Ca sáng | Ca chiều | Ca đêm --units CB2 --dm'),
  );
  for (const [i, person] of workers.slice(8).entries()) {
    harness.clock.advance(37_000);
    await harness.handle(tap(dm(person.externalId), person, `pa:2:${i % 3}`));
  }
  // Feedback from three people; the first allows anonymous replies and gets one.
  for (const [i, text] of FEEDBACK.entries()) {
    await harness.handle(command(dm(workers[i]!.externalId), workers[i]!, `/gopy ${text}`));
  }
  const allow = harness.messenger.sent.find(
    (s) => s.chat.externalId === workers[0]!.externalId && s.message.buttons,
  );
  const data = allow!.message.buttons![0]![0]!;
  await harness.handle(tap(dm(workers[0]!.externalId), workers[0]!, 'data' in data ? data.data : ''));
  await refreshParticipation(harness.deps);
  harness.clock.advance(HOUR);
  await relayDueFeedback(harness.deps, harness.clock.now());
  const relayed = harness.messenger.texts('2').find((t) => t.includes('/reply'))!;
  const shortId = /\/reply (\w+)/.exec(relayed)![1]!;
  await harness.handle(command(dm(2), world.leaderCb1, `/reply ${shortId} Đã ghi nhận, cảm ơn`));
  harness.clock.advance(25 * HOUR);
  await closeDuePolls(harness.deps, harness.clock.now());
  await harness.handle(command(dm(1), world.admin, '/results 1'));
});
afterAll(() => database.destroy());

/** Everything that identifies one of the twenty, as stored or as typed. */
async function identifiersOf20() {
  const rows = await database.db
    .select({ personId: people.id, identityId: identities.id })
    .from(identities)
    .innerJoin(people, sql`${people.id} = ${identities.personId}`)
    .where(sql`${identities.externalId} in ${workers.map((w) => w.externalId)}`);
  expect(rows).toHaveLength(20);
  return {
    personIds: rows.map((r) => r.personId),
    identityIds: rows.map((r) => r.identityId),
    strings: workers.flatMap((w) => [w.externalId, w.username!, w.displayName]),
  };
}

const ANSWER_TABLES: Record<string, string[]> = {
  poll_tallies: ['accepting', 'counts', 'poll_id', 'unit_id', 'withheld'],
  poll_comments: ['hour', 'id', 'poll_id', 'text', 'unit_id'],
  feedback: ['hour', 'id', 'relayed', 'text', 'unit_id'],
  feedback_reply_handles: ['expires_at', 'feedback_id', 'sealed'],
};

describe('privacy: after 20 people answered, commented and sent feedback', () => {
  it('the flow really happened (so the checks below can fail)', async () => {
    const dump = await dumpEveryTable();
    expect(dump.get('poll_participation')).toHaveLength(12 + 12);
    expect(dump.get('poll_comments')).toHaveLength(5);
    expect(dump.get('feedback')).toHaveLength(3);
    expect(dump.get('feedback_reply_handles')).toHaveLength(1);
    expect(harness.messenger.texts(workers[0]!.externalId).at(-1)).toContain('Đã ghi nhận, cảm ơn');
    expect(logLines.filter((line) => (line.level as number) >= 30).length).toBeGreaterThan(3);
  });

  it('stores answers, comments and feedback with no person, account, name or time finer than the hour', async () => {
    const dump = await dumpEveryTable();
    const { strings } = await identifiersOf20();
    for (const [table, columns] of Object.entries(ANSWER_TABLES)) {
      const rows = dump.get(table)!;
      expect(rows.length, table).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row).sort(), table).toEqual(columns);
        const flat = JSON.stringify(row);
        for (const s of strings) expect(flat, `${table} holds ${s}`).not.toContain(s);
        for (const value of Object.values(row)) {
          if (value instanceof Date || (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value))) {
            expect(new Date(value as string).getTime() % HOUR, `${table}: ${String(value)}`).toBe(0);
          }
        }
      }
    }
    const sealed = String(dump.get('feedback_reply_handles')![0]!.sealed);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(workers[0]!.externalId);
  });

  it('keeps participation as bare (poll, person) pairs, and nothing else pairs a person with a poll’s answer', async () => {
    const dump = await dumpEveryTable();
    for (const row of dump.get('poll_participation')!)
      expect(Object.keys(row).sort()).toEqual(['person_id', 'poll_id']);
    expect(dump.get('poll_comment_invites')).toEqual([]);
    // No table but participation holds a person next to a poll's answers; polls only name their creator.
    const secret = [...COMMENTS, ...FEEDBACK];
    // Except a feedback's relays to its readers (leaders) in the outbox, which name no worker and
    // hold the feedback's hour only (tests/privacy/feedback-relays.test.ts reads them closely).
    const { strings } = await identifiersOf20();
    const relays = dump.get('outbox')!.filter((row) => row.kind === 'feedback_relay');
    expect(relays.length).toBeGreaterThanOrEqual(FEEDBACK.length);
    for (const row of relays) {
      for (const s of strings) expect(JSON.stringify(row), `a relay holds ${s}`).not.toContain(s);
      expect(new Date(row.not_before as string).getTime() % HOUR).toBe(0);
    }
    for (const [table, all] of dump) {
      if (table in ANSWER_TABLES) continue;
      const rows = table === 'outbox' ? all.filter((row) => row.kind !== 'feedback_relay') : all;
      const flat = JSON.stringify(rows);
      for (const text of secret)
        expect(flat, `${table} holds an answer text`).not.toContain(text.slice(0, 20));
    }
    expect(dump.get('audit_log')!.map((r) => r.command)).not.toContain('feedback');
    expect(dump.get('sandbox_messages')).toEqual([]);
  });

  it('leaves neither row order nor transaction ids linking participation to counters after closing', async () => {
    const order = await database.query<{ poll_id: number; person_id: number }>(
      sql`select poll_id, person_id from poll_participation where poll_id = 1`,
    );
    const ids = order.map((r) => Number(r.person_id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Participation and comments are rewritten by the one sealing transaction; the tallies were last
    // written by a ballot batch (aggregated, at least k or at closing), never by a tap's transaction.
    const sealed = await database.query<{ xmin: string }>(sql`
      select xmin::text from poll_participation where poll_id = 1
      union select xmin::text from poll_comments where poll_id = 1`);
    expect(sealed).toHaveLength(1);
    const tallies = await database.query<{ xmin: string }>(
      sql`select xmin::text from poll_tallies where poll_id = 1`,
    );
    expect(tallies.map((t) => t.xmin)).not.toContain(sealed[0]!.xmin);
  });

  it('writes no user id, account, name, answer or text to the logs at info level or above', async () => {
    const { strings, personIds } = await identifiersOf20();
    const visible = logLines.filter((line) => (line.level as number) >= 30);
    for (const line of visible) {
      const { time: _time, pid: _pid, hostname: _host, ...rest } = line;
      const flat = JSON.stringify(rest);
      for (const s of [...strings, ...COMMENTS, ...FEEDBACK]) expect(flat).not.toContain(s);
      for (const key of Object.keys(rest))
        expect(['person', 'personId', 'user', 'userId', 'from']).not.toContain(key);
      expect(personIds.some((id) => flat.includes(`"person":${id}`))).toBe(false);
    }
  });
});

describe('privacy: error logs', () => {
  it('drop the parameters drizzle puts into a failed query’s message and stack', async () => {
    const secret = 'Phản ánh kín\nnhiều dòng 8800101';
    const failed = await database.db
      .insert(feedback)
      .values({ unitId: 987_654, text: secret, hour: new Date(0) })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(String((failed as Error).message)).toContain('8800101');
    const logged = JSON.stringify(safeError(failed));
    expect(logged).toContain('Failed query: insert into');
    expect(logged).toContain('violates foreign key constraint');
    expect(logged).not.toContain('8800101');
    expect(logged).not.toContain('Phản ánh kín');
  });
});
