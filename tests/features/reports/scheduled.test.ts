import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDueReports, sendDueReports } from '../../../bot/features/reports/schedule/runs';
import { reportRuns } from '../../../db/schema';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import type { Harness } from '../../helpers/harness';
import { applyText } from '../directives/fixtures';
import { buildWeek, WORLD } from './world';

const REPORTS = `reports:
  - { id: weekly-cells, cron: "0 8 * * 1", each_child_of: CTY, to: leaders, period: week }
  - { id: monthly-committee, cron: "0 8 1 * *", unit: CTY, to: admins, period: month, format: docx }
`;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

async function tick(h: Harness, at: string) {
  h.clock.set(at);
  await queueDueReports(h.deps, h.clock.now());
  return sendDueReports(h.deps, h.clock.now());
}

describe('scheduled reports', () => {
  it('sends the weekly report of each cell to its leaders once when due, never twice', async () => {
    const h = await buildWeek(database, { CB1: [4, 4, 5, 5, 3], T1: [], CB2: [1, 2, 3, 4, 5] });
    await applyText(database, WORLD + REPORTS, new Date('2024-03-17T00:00:00Z'));
    expect(await tick(h, '2024-03-18T00:59:00Z')).toBe(0);
    expect(h.messenger.sent).toHaveLength(0);

    // Monday 08:00 in Hà Nội; two processes tick at the same minute.
    h.clock.set('2024-03-18T01:00:00Z');
    await Promise.all([queueDueReports(h.deps, h.clock.now()), queueDueReports(h.deps, h.clock.now())]);
    const sent = await Promise.all([
      sendDueReports(h.deps, h.clock.now()),
      sendDueReports(h.deps, h.clock.now()),
    ]);
    expect(sent[0] + sent[1]).toBe(2);
    const byChat = new Map(h.messenger.sent.map((s) => [s.chat.externalId, s.message.text]));
    expect([...byChat.keys()].sort()).toEqual(['2', '3']);
    expect(byChat.get('2')).toContain('Chi bộ 1 (CB1)');
    expect(byChat.get('2')).toContain('11/03');
    expect(byChat.get('3')).toContain('Chi bộ 2 (CB2)');
    expect(byChat.get('2')).not.toContain('Chi bộ 2 (CB2)');

    expect(await tick(h, '2024-03-18T01:01:00Z')).toBe(0);
    expect(h.messenger.sent).toHaveLength(2);
    const runs = await database.db.select().from(reportRuns);
    expect(runs.map((r) => r.status)).toEqual(['sent', 'sent']);

    // The next Monday: again, once.
    expect(await tick(h, '2024-03-25T01:00:00Z')).toBe(2);
  });

  it('sends the monthly committee report to the admins on the 1st', async () => {
    const h = await buildWeek(
      database,
      { CB1: [4, 4, 5, 5, 3], T1: [], CB2: [1, 2, 3, 4, 5] },
      { extra: REPORTS },
    );
    // 1 April 2024 is a Monday: the two cell reports go too, and the one missed before is not sent late.
    expect(await tick(h, '2024-04-01T01:00:00Z')).toBe(3);
    const committee = h.messenger.sent.filter((s) => s.chat.externalId === '1');
    expect(committee).toHaveLength(1);
    expect(committee[0]!.chat.kind).toBe('dm');
    expect(committee[0]!.message.text).toContain('tháng 3/2024');
    expect(h.messenger.sent.filter((s) => s.chat.externalId === '2')).toHaveLength(1);
  });

  it('rejects a malformed reports entry with its line and field', () => {
    const bad = `${WORLD}reports:\n  - { id: r1, cron: "0 8 * * 1", unit: CB1, each_child_of: CTY, to: leaders }\n  - { id: r2, cron: "every monday", unit: NOPE, to: bosses }\n`;
    const parsed = parseScenario(bad, 'bad.yaml');
    expect(parsed.ok).toBe(false);
    const text = parsed.ok ? '' : formatErrors(parsed.errors);
    expect(text).toContain('reports[0].unit');
    expect(text).toContain('exactly one of unit');
    expect(text).toContain('reports[1].cron');
    expect(text).toContain('reports[1].to');
    expect(text).toMatch(/bad\.yaml:\d+/);
    const unknown = parseScenario(
      `${WORLD}reports:\n  - { id: r3, cron: "0 8 * * 1", unit: NOPE, to: admins }\n`,
      'u.yaml',
    );
    expect(unknown.ok ? '' : formatErrors(unknown.errors)).toContain('reports[0].unit: unknown unit "NOPE"');
  });
});
