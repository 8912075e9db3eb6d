import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relayDueFeedback } from '../../bot/features/feedback/feedback';
import { flushComments } from '../../bot/features/polls/comments';
import type { InboundEvent } from '../../bot/kernel/types';
import { feedback, feedbackReplyHandles, pollComments } from '../../db/schema';
import { pollsWorld, tap, worker } from '../features/polls/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../helpers/harness';

/**
 * The attacker reads the database with a trigger recording, in order, every write to the tables
 * that hold anonymous text (and the invites and marks around comments) with `txid_current()`, and
 * takes snapshots of every table before and after a sender's request. Nothing written in the
 * sender's request may be found: feedback, poll comments, their marks and reply handles are written
 * only at the hourly step, in one transaction with the hour's others.
 */
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const HOUR = 60 * 60 * 1000;
const WATCHED = [
  'feedback',
  'feedback_reply_handles',
  'poll_comments',
  'poll_comment_marks',
  'poll_comment_invites',
];

let database: TestDatabase;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database, { PULSE_SECRET: SECRET });
  world = await pollsWorld(database, harness);
  await database.db.execute(sql.raw('drop table if exists spy'));
  await database.db.execute(
    sql.raw('create table spy (seq bigserial primary key, table_name text, op text, txid bigint)'),
  );
  await database.db.execute(
    sql.raw(`create or replace function spy_write() returns trigger language plpgsql as $$
      begin
        insert into spy (table_name, op, txid) values (tg_table_name, tg_op, txid_current());
        return null;
      end $$`),
  );
  for (const table of WATCHED) {
    await database.db.execute(sql.raw(`drop trigger if exists spy_${table} on ${table}`));
    await database.db.execute(
      sql.raw(
        `create trigger spy_${table} after insert or update or delete on ${table} for each row execute function spy_write()`,
      ),
    );
  }
});

type SpyRow = {
  seq: string;
  table_name: string;
  op: string;
  txid: string;
};
async function spy(): Promise<SpyRow[]> {
  return database.query<SpyRow>(sql.raw('select * from spy order by seq'));
}

/** Handles a sender's request and returns what the trigger recorded while it ran. */
async function watched(event: InboundEvent): Promise<SpyRow[]> {
  const before = (await spy()).length;
  await harness.handle(event);
  return (await spy()).slice(before);
}

/** Every row of every table, as JSON (the spy's own table left out). */
async function snapshot(): Promise<Map<string, string[]>> {
  const tables = await database.query<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public' and tablename <> 'spy'`,
  );
  const out = new Map<string, string[]>();
  for (const { tablename } of tables) {
    const rows = await database.query<{ r: string }>(
      sql.raw(`select row_to_json(t)::text as r from "${tablename}" t`),
    );
    out.set(tablename, rows.map((r) => r.r).sort());
  }
  return out;
}

function changedTables(before: Map<string, string[]>, after: Map<string, string[]>): string[] {
  return [...after.keys()].filter((t) => JSON.stringify(before.get(t)) !== JSON.stringify(after.get(t)));
}

describe('anonymous text is written by no statement of its sender’s request', () => {
  it('feedback and its reply handle: nothing in the request; one transaction at the hour; replies still work', async () => {
    await harness.handle(message(world.groups.T1, worker(1), 'chào tổ'));
    await harness.handle(message(world.groups.T1, worker(2), 'chào tổ'));
    harness.clock.set('2026-03-05T02:10:00Z');
    expect(await watched(command(dm(101), worker(1), '/gopy Ca ba thiếu nước uống'))).toEqual([]);
    const offer = harness.messenger.last()!.message.buttons!.flat()[0]!;
    const short = /#([0-9a-f]{8})/.exec(harness.messenger.last()!.message.text!)![1]!;
    const before = await snapshot();
    expect(await watched(tap(dm(101), worker(1), 'data' in offer ? offer.data : ''))).toEqual([]);
    expect(harness.messenger.answers.at(-1)!.text).toContain('Đã cho phép');
    harness.clock.set('2026-03-05T02:50:00Z');
    expect(await watched(command(dm(102), worker(2), '/gopy Đèn hành lang hỏng'))).toEqual([]);
    // Neither request left a trace anywhere: not in the watched tables, not in any other.
    expect(changedTables(before, await snapshot())).toEqual([]);

    harness.clock.set('2026-03-05T03:00:20Z');
    expect(await relayDueFeedback(harness.deps, harness.clock.now())).toBe(2);
    const inserts = (await spy()).filter((r) => r.op === 'INSERT');
    expect(inserts.map((r) => r.table_name).sort()).toEqual([
      'feedback',
      'feedback',
      'feedback_reply_handles',
    ]);
    // One transaction for the hour's feedback and handles: its order says nothing of who came first.
    expect(new Set(inserts.map((r) => r.txid)).size).toBe(1);
    expect(await database.db.select().from(feedback)).toHaveLength(2);
    expect(await database.db.select().from(feedbackReplyHandles)).toHaveLength(1);

    // The feature still works: the leader got both, and the reply reaches the sender.
    expect(harness.messenger.texts('2').filter((t) => t.includes('Góp ý ẩn danh'))).toHaveLength(2);
    await harness.handle(command(dm(2), world.leaderCb1, `/reply ${short} Sẽ bổ sung nước`));
    expect(harness.messenger.texts('101').at(-1)).toContain('Sẽ bổ sung nước');
  });

  it('a comment changes no table at all, invites are never deleted, and the hour writes one shuffled batch', async () => {
    await harness.handle(command(dm(1), world.admin, '/pulse Bữa ca thế nào? --units CB2 --comments'));
    for (let n = 1; n <= 3; n++) {
      await harness.handle(tap(world.groups.CB2, worker(n), 'pa:1:0'));
      await harness.handle(command(dm(100 + n), worker(n), '/start cmt-1'));
    }
    const invitesBefore = (await snapshot()).get('poll_comment_invites');
    expect(invitesBefore).toHaveLength(3);
    // Workers 1 and 3 comment, worker 2 does not: snapshots around each comment show nothing.
    for (const n of [1, 3]) {
      const before = await snapshot();
      expect(await watched(message(dm(100 + n), worker(n), `Ý kiến của người số ${n}`))).toEqual([]);
      expect(harness.messenger.texts(String(100 + n)).at(-1)).toContain('Đã nhận ý kiến ẩn danh');
      expect(changedTables(before, await snapshot())).toEqual([]);
    }
    // A second comment is refused, and writes nothing either.
    expect(await watched(command(dm(101), worker(1), '/comment 1 lần nữa'))).toEqual([]);
    expect(harness.messenger.texts('101').at(-1)).toContain('rồi');

    harness.clock.advance(HOUR);
    expect(await flushComments(harness.deps, harness.clock.now())).toBe(2);
    const after = await snapshot();
    // The invites are exactly as they were: commenters and the one who did not look the same.
    expect(after.get('poll_comment_invites')).toEqual(invitesBefore);
    // Marks name nobody: no person id, no account.
    const marks = after.get('poll_comment_marks')!;
    expect(marks).toHaveLength(2);
    for (const mark of marks) expect(mark).not.toMatch(/person|10[123]|Công nhân/);
    const inserts = (await spy()).filter((r) => r.op === 'INSERT' && r.table_name !== 'poll_comment_invites');
    expect(inserts.map((r) => r.table_name).sort()).toEqual([
      'poll_comment_marks',
      'poll_comment_marks',
      'poll_comments',
      'poll_comments',
    ]);
    expect(new Set(inserts.map((r) => r.txid)).size).toBe(1);
    expect((await spy()).filter((r) => r.op === 'DELETE' || r.op === 'UPDATE')).toEqual([]);
    expect(await database.db.select().from(pollComments)).toHaveLength(2);
  });
});
