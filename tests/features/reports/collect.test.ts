import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnitByCode } from '../../../bot/features/org/units';
import { renderCsv, renderMarkdown, type SituationReport } from '../../../bot/features/reports';
import { collectReport, resolvePeriod } from '../../../bot/features/reports/collect';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import type { Harness } from '../../helpers/harness';
import { buildWeek } from './world';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

async function report(
  h: Harness,
  code: string,
  period = resolvePeriod('week', h.clock.now(), h.config.timezone)!,
) {
  const unit = (await findUnitByCode(h.deps.db, code))!;
  return collectReport(h.deps, { unit, period, locale: 'vi' });
}

async function rows<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return database.query<T>(statement);
}

/** The same figures counted directly from the ledgers, for the subtree of `code`. */
async function directCounts(code: string) {
  const subtree = sql`(select id from units where path like (select path from units where code = ${code}) || '%')`;
  const [pulse] = await rows<{ n: number; s: number }>(sql`
    select sum(c)::int as n, sum(c * o)::int as s
    from poll_tallies t, unnest(t.counts) with ordinality as x(c, o)
    where t.unit_id in ${subtree}`);
  const [invited] = await rows<{ n: number }>(
    sql`select sum(members)::int as n from poll_units where unit_id in ${subtree}`,
  );
  const [reach] = await rows<{ chats: number; members: number; acks: number }>(sql`
    select count(distinct d.chat_id)::int as chats,
      (select count(*)::int from chat_members m join chats c on c.id = m.chat_id where c.unit_id in ${subtree} and m.active) as members,
      (select count(*)::int from directive_acks a where a.person_id in
        (select m.person_id from chat_members m join chats c on c.id = m.chat_id where c.unit_id in ${subtree})) as acks
    from directive_deliveries d join chats c on c.id = d.chat_id
    where c.unit_id in ${subtree} and d.status = 'sent' and d.kind = 'post'`);
  const [feedback] = await rows<{ n: number }>(
    sql`select count(*)::int as n from feedback where unit_id in ${subtree}`,
  );
  return {
    answers: Number(pulse!.n),
    mean: Number(pulse!.s) / Number(pulse!.n),
    invited: Number(invited!.n),
    chats: Number(reach!.chats),
    members: Number(reach!.members),
    acks: Number(reach!.acks),
    feedback: Number(feedback!.n),
  };
}

const value = (figure: { kind: string; value?: number }) =>
  figure.kind === 'value' ? figure.value : figure.kind;

describe('collectReport', () => {
  it('equals a direct count over the same data, overall and per unit', async () => {
    const h = await buildWeek(
      database,
      { CB1: [5, 4, 4, 3, 2, 5], T1: [1, 2, 3, 4, 5], CB2: [3, 3, 4, 2, 2, 1, 5] },
      { acks: { CB1: 4, T1: 1, CB2: 6 }, feedback: 6 },
    );
    const r = await report(h, 'CTY');
    const all = await directCounts('CTY');
    expect(r.period.from.toISOString()).toBe('2024-03-10T17:00:00.000Z');
    expect(r.pulses.polls).toBe(1);
    expect(r.pulses.overall.invited).toBe(all.invited);
    expect(value(r.pulses.overall.answers)).toBe(all.answers);
    expect(value(r.pulses.overall.mean)).toBeCloseTo(all.mean, 10);
    expect(r.pulses.overall.previousMean.kind).toBe('none');
    expect(r.directives.directives).toBe(1);
    expect(r.directives.overall).toEqual({
      chats: all.chats,
      reachedChats: all.chats,
      members: all.members,
      acknowledged: all.acks,
    });
    expect(value(r.feedback.total)).toBe(all.feedback);

    expect(r.pulses.units.map((u) => u.unit.code)).toEqual(['CB1', 'CB2']);
    for (const code of ['CB1', 'CB2']) {
      const direct = await directCounts(code);
      const row = r.pulses.units.find((u) => u.unit.code === code)!;
      expect(value(row.answers)).toBe(direct.answers);
      expect(value(row.mean)).toBeCloseTo(direct.mean, 10);
      expect(row.invited).toBe(direct.invited);
      const reach = r.directives.units.find((u) => u.unit.code === code)!;
      expect([reach.chats, reach.members, reach.acknowledged]).toEqual([
        direct.chats,
        direct.members,
        direct.acks,
      ]);
    }
    expect(all).toMatchObject({ answers: 18, chats: 3, members: 18, acks: 11, feedback: 6 });

    // The leader's view of CB1: its subtree only, T1 as its one child plus CB1's own cell.
    const cb1 = await report(h, 'CB1');
    expect(cb1.pulses.units.map((u) => u.unit.code)).toEqual(['T1']);
    expect(value(cb1.pulses.overall.answers)).toBe(11);
    expect(value(cb1.pulses.units[0]!.answers)).toBe(5);
  });

  it('counts someone active in two reached groups once, as /reach does', async () => {
    const h = await buildWeek(
      database,
      { CB1: [5, 4, 4], T1: [1, 2, 3], CB2: [3, 3, 4] },
      { acks: { CB1: 2, T1: 1, CB2: 1 } },
    );
    const before = await report(h, 'CTY');
    const chatOf = async (code: string) =>
      (
        await rows<{ id: number }>(
          sql`select c.id from chats c join units u on u.id = c.unit_id where u.code = ${code} limit 1`,
        )
      )[0]!.id;
    const [t1Chat, cb1Chat] = [await chatOf('T1'), await chatOf('CB1')];
    // A member of Tổ Một's group also joins Chi bộ Một's group: still one person to acknowledge.
    await database.query(sql`insert into chat_members (chat_id, person_id, active)
      select ${cb1Chat}, person_id, true from chat_members where chat_id = ${t1Chat} and active limit 1`);
    const after = await report(h, 'CTY');
    expect(after.directives.overall.members).toBe(before.directives.overall.members);
    const cb1 = (r: SituationReport) => r.directives.units.find((u) => u.unit.code === 'CB1')!.members;
    expect(cb1(after)).toBe(cb1(before));
  });

  it('compares with the previous period and draws the trend per week', async () => {
    const h = await buildWeek(database, { CB1: [5, 5, 5, 5, 5], T1: [], CB2: [1, 1, 1, 1, 1] });
    h.clock.set(new Date('2024-03-25T02:00:00Z'));
    const r = await report(h, 'CTY');
    expect(r.pulses.overall.answers).toEqual({ kind: 'value', value: 0 });
    expect(value(r.pulses.overall.previousMean)).toBe(3);
    expect(value(r.pulses.units[0]!.previousMean)).toBe(5);
    expect(r.trend.granularity).toBe('week');
    expect(r.trend.buckets).toHaveLength(8);
    expect(r.trend.series.map((s) => s.points.map(value).slice(-2))).toEqual([
      [5, 'none'],
      [1, 'none'],
    ]);
  });

  it('leaves a unit with 4 answers out of every figure, so the other units can be shown', async () => {
    const h = await buildWeek(database, {
      CB1: [5, 5, 4, 4],
      T1: [],
      CB2: [1, 2, 2, 3, 3, 2, 1, 2, 3, 1, 2, 2],
    });
    const r = await report(h, 'CTY');
    // CB1's cell is below k: in no total at all, so total − CB2 is 0, not CB1's four answers.
    expect(value(r.pulses.overall.answers)).toBe(12);
    const [cb1, cb2] = r.pulses.units;
    // Not "0 answers" either: that would tell its four people did not take part.
    expect([cb1!.answers, cb1!.mean].map((f) => f.kind)).toEqual(['withheld', 'withheld']);
    expect(value(cb2!.answers)).toBe(12);
    expect(value(cb2!.mean)).toBeCloseTo(2, 5);
    expect(r.trend.series.map((s) => s.points.at(-1)!.kind)).toEqual(['none', 'value']);
    expect(r.pulses.topics[0]!.answers).toEqual({ kind: 'value', value: 12 });
    assertNoFigure(r, renderCsv(r, 'vi'), ['4,5', '4.5'], /CB1|Chi bộ 1/);
    assertNoFigure(r, renderMarkdown(r, 'vi'), ['4,5', '4.5'], /CB1|Chi bộ 1/);
  });

  it('withholds feedback volumes under the threshold', async () => {
    const h = await buildWeek(database, { CB1: [], T1: [], CB2: [3, 3, 3, 3, 3] }, { feedback: 3 });
    const r = await report(h, 'CTY');
    expect(r.feedback.total.kind).toBe('withheld');
  });
});

/** No line about CB1 or CB2 carries the hidden numbers. */
function assertNoFigure(r: SituationReport, text: string, hidden: string[], units = /Chi bộ [12]|CB[12]/) {
  const lines = text.split('\n').filter((line) => units.test(line));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const cells = line.split(/[,;|]/).map((c) => c.trim());
    for (const figure of hidden) expect(cells, `${figure} in ${line}`).not.toContain(figure);
  }
  expect(r.minAnswers).toBe(5);
}
