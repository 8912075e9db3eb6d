import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDirectiveTick } from '../../../bot/features/directives';
import { bindChat, ensureChat } from '../../../bot/features/org/chats';
import { findUnitByCode } from '../../../bot/features/org/units';
import { directives } from '../../../db/schema';
import { runScenarioCli } from '../../../scenarios/cli';
import { applyScenario, planScenario } from '../../../scenarios/engine';
import { formatErrors, loadScenarioFile, parseScenario, type ScenarioError } from '../../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { createHarness } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { CAMPAIGN, PUBLISHED } from './fixtures';

const PLAN_2024 = fileURLToPath(new URL('../../../scenarios/2024-dlxh.yaml', import.meta.url));
const PLAN_2027 = fileURLToPath(new URL('../../../scenarios/2027-dlxh.yaml', import.meta.url));

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pulse-directives-'));
});
afterAll(async () => {
  await database.destroy();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => database.reset());

function errorsOf(text: string): ScenarioError[] {
  const result = parseScenario(text, 'scenarios/broken.yaml');
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors;
}

/** CAMPAIGN with one line of its first directive replaced. */
const withLine = (from: string, to: string) => {
  if (!CAMPAIGN.includes(from)) throw new Error(`fixture has no "${from}"`);
  return CAMPAIGN.replace(from, to);
};
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('scenarios/2024-dlxh.yaml', () => {
  it('holds the seed plan: the company committee, its cells, the six key tasks with their documents', async () => {
    const result = await loadScenarioFile(PLAN_2024);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    const { scenario } = result;
    expect(scenario.units![0]!.name).toBe('Đảng ủy Công ty Than Thống Nhất – TKV');
    expect(scenario.units![0]!.children.map((u) => u.name)).toContain('Chi bộ Phân xưởng Đào lò');
    const tasks = scenario.directives.filter((d) => /^NV\d$/.test(d.id));
    expect(tasks.map((d) => d.id)).toEqual(['NV1', 'NV2', 'NV3', 'NV4', 'NV5', 'NV6']);
    expect(tasks.every((d) => d.ack && d.source?.includes('230-CV/BTG'))).toBe(true);
    const all = scenario.directives.map((d) => `${d.body} ${d.source}`).join('\n');
    for (const document of [
      '100-KL/TW',
      '167-HD/BTGTW',
      '10-KL/ĐUK',
      '21-KL/TW',
      '938-QĐ/ĐU',
      '190-KH/ĐU',
      '308-NQ/ĐU',
    ])
      expect(all, document).toContain(document);
    // The monthly collection is a report request (situation reports), no longer a directive.
    expect(scenario.requests.find((r) => r.id === 'NV2-THANG')?.cron).toBe('0 8 1 * *');
  });

  it('applies cleanly as of its publication, once, and sends its first task on 15/03/2024 08:00', async () => {
    const result = await loadScenarioFile(PLAN_2024);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    const first = await applyScenario(database.db, result.scenario, { now: PUBLISHED });
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind === 'create_directive')).toHaveLength(6);
    const again = await applyScenario(database.db, result.scenario, { now: PUBLISHED });
    expect(again.changes).toEqual([]);

    const h = createHarness(database);
    const messenger = new RecordingMessenger();
    h.deps.messenger.register(messenger);
    const chat = await ensureChat(database.db, { platform: 'telegram', externalId: '-500', kind: 'group' });
    await bindChat(database.db, chat.id, (await findUnitByCode(database.db, 'CB-DL'))!.id, PUBLISHED);
    const tick = createDirectiveTick(h.deps, 'test');
    await tick(new Date('2024-03-15T00:59:00Z'));
    expect(messenger.sent).toEqual([]);
    await tick(new Date('2024-03-15T01:00:00Z'));
    expect(messenger.texts()).toEqual([expect.stringContaining('Nhiệm vụ 1: Tăng cường sự lãnh đạo')]);
  });
});

describe('scenarios/2027-dlxh.yaml', () => {
  async function load(path: string) {
    const result = await loadScenarioFile(path);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    return result.scenario;
  }

  it("is 2024's plan dated 2027: the same units, six tasks and monthly collection, and the whole lexicon", async () => {
    const [old, next] = [await load(PLAN_2024), await load(PLAN_2027)];
    expect(next.units).toEqual(old.units);
    expect(next.lexicon).toEqual(old.lexicon);
    expect(next.directives.map((d) => d.id)).toEqual(old.directives.map((d) => d.id));
    expect(next.directives.map((d) => d.id)).toEqual(['NV1', 'NV2', 'NV3', 'NV4', 'NV5', 'NV6']);
    for (const directive of next.directives) {
      const { at, from, until } = directive.schedule;
      for (const date of [at, from, until]) if (date) expect(date.year, directive.id).toBe(2027);
      expect(directive.title, directive.id).not.toMatch(/2024/);
    }
    expect(next.requests).toEqual(
      old.requests.map((r) => ({ ...r, from: { ...r.from, year: 2027 }, until: { ...r.until, year: 2027 } })),
    );
    expect(next.requests.find((r) => r.id === 'NV2-THANG')?.due_before_day).toBe(5);
  });

  it('plans and applies cleanly as of today (the real clock), with no --now', async () => {
    const scenario = await load(PLAN_2027);
    const now = new Date();
    const plan = await planScenario(database.db, scenario, { now });
    expect(plan.problems).toEqual([]);
    const applied = await applyScenario(database.db, scenario, { now });
    expect(applied.problems).toEqual([]);
    expect(applied.changes.filter((c) => c.kind === 'create_directive')).toHaveLength(6);
    expect(await database.db.select().from(directives)).toHaveLength(6);

    let stdout = '';
    let stderr = '';
    const code = await runScenarioCli(['plan', PLAN_2027], {
      env: {},
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      openDatabase: async () => ({ ...database, close: async () => {} }),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('No changes.');
  });
});

describe('a one-off relative to the first apply (after:)', () => {
  const FILE = `version: 1
units: [{ code: CTY, name: Công ty }]
directives:
  - { id: SOON, title: Sắp tới, body: Nội dung, schedule: { after: 5m }, ack: true }
`;
  const parse = (text: string) => {
    const result = parseScenario(text, 'soon.yaml');
    if (!result.ok) throw new Error(formatErrors(result.errors));
    return result.scenario;
  };

  it('is sent that long after the file first creates it, and keeps that time when applied again', async () => {
    const first = new Date('2026-12-01T10:00:00Z');
    const applied = await applyScenario(database.db, parse(FILE), { now: first });
    expect(applied.problems).toEqual([]);
    const [row] = await database.db.select().from(directives);
    expect(row).toMatchObject({ scheduleKind: 'at', at: new Date('2026-12-01T10:05:00Z') });
    const later = new Date('2026-12-03T10:00:00Z');
    expect((await planScenario(database.db, parse(FILE), { now: later })).changes).toEqual([]);
    expect((await applyScenario(database.db, parse(FILE), { now: later })).problems).toEqual([]);
    expect((await database.db.select().from(directives))[0]!.at).toEqual(new Date('2026-12-01T10:05:00Z'));
  });

  it('refuses a bad duration and at with after, with the field', () => {
    expect(errorsOf(FILE.replace('after: 5m', 'after: soon')).map((e) => `${e.field}: ${e.message}`)).toEqual(
      ['directives[0].schedule.after: must be a duration like 5m, 2h or 1d, at most 30d (got "soon")'],
    );
    expect(
      errorsOf(FILE.replace('after: 5m', 'after: 5m, at: 2027-01-01 08:00')).map((e) => e.field),
    ).toEqual(['directives[0].schedule.after']);
  });
});

describe('bad directive entries', () => {
  it('rejects a bad cron with file, line and field', () => {
    const text = withLine('cron: "0 8 1 * *"', 'cron: "0 25 1 * *"');
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({
        file: 'scenarios/broken.yaml',
        line: lineOf(text, 'cron:'),
        field: 'directives[1].schedule.cron',
        message: expect.stringContaining('invalid cron "0 25 1 * *"'),
      }),
    ]);
    expect(errorsOf(withLine('cron: "0 8 1 * *"', 'cron: "*/10 * * * *"'))[0]!.message).toContain(
      'not sent more than hourly',
    );
  });

  it('rejects an unknown unit in the audience', () => {
    const text = withLine('audience: [CB1]', 'audience: [CB1, CB9]');
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({
        line: lineOf(text, 'audience:'),
        field: 'directives[1].audience[1]',
        message: 'unknown unit "CB9" (not defined under units:)',
      }),
    ]);
  });

  it('rejects malformed schedules, reminders without acknowledgement and duplicate ids', () => {
    const messages = (text: string) => errorsOf(text).map((e) => `${e.field}: ${e.message}`);
    expect(messages(withLine('{ at: 2024-03-15 08:00 }', '{ at: 2024-02-30 08:00 }'))).toEqual([
      expect.stringMatching(/^directives\[0\]\.schedule\.at: must be a date and time/),
    ]);
    expect(
      messages(withLine('{ at: 2024-03-15 08:00 }', '{ at: 2024-03-15 08:00, cron: "0 8 * * *" }')),
    ).toEqual(['directives[0].schedule.cron: use either at (one-off) or cron (recurring), not both']);
    expect(
      messages(withLine('from: 2024-04-01, until: 2024-12-31', 'from: 2024-04-01, until: 2024-03-01')),
    ).toEqual(['directives[1].schedule.until: must be after from']);
    expect(messages(withLine('    ack: true\n', '    ack: false\n'))).toEqual([
      'directives[0].remind_after: needs ack: true (reminders go to groups whose acknowledgement rate is low)',
    ]);
    expect(messages(withLine('remind_after: 48h', 'remind_after: soon'))).toEqual([
      'directives[0].remind_after: must be a duration like 90m, 48h or 2d, at most 30d (got "soon")',
    ]);
    expect(messages(withLine('id: NV-THANG', 'id: nv1'))).toEqual([
      'directives[1].id: duplicate directive id "NV1" (first at directives[0].id)',
    ]);
  });

  it('refuses a new schedule whose until is already past, at apply, with file and line, writing nothing', async () => {
    const path = join(dir, 'late.yaml');
    writeFileSync(path, CAMPAIGN);
    let stderr = '';
    const code = await runScenarioCli(['apply', path], {
      env: {},
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      openDatabase: async () => ({ ...database, close: async () => {} }),
      now: () => new Date('2025-02-01T00:00:00Z'),
    });
    expect(code).toBe(1);
    const line = lineOf(CAMPAIGN, 'until: 2024-12-31');
    const column = CAMPAIGN.split('\n')[line - 1]!.indexOf('2024-12-31') + 1;
    expect(stderr).toContain(`${path}:${line}:${column} directives[1].schedule.until: is in the past`);
    // A past one-off names its time as written in the file's time zone, not in UTC.
    expect(stderr).toContain('schedule.at: is in the past (08:00 15/03/2024 Asia/Ho_Chi_Minh)');
    expect(stderr).toContain('nothing was applied');
    expect(await database.db.select().from(directives)).toEqual([]);
  });

  it('keeps an unchanged finished schedule on re-apply, and cancels a directive removed from the file', async () => {
    const parse = (text: string) => {
      const result = parseScenario(text, 'x.yaml');
      if (!result.ok) throw new Error(formatErrors(result.errors));
      return result.scenario;
    };
    await applyScenario(database.db, parse(CAMPAIGN), { now: PUBLISHED });
    const later = new Date('2025-02-01T00:00:00Z');
    expect((await planScenario(database.db, parse(CAMPAIGN), { now: later })).problems).toEqual([]);
    const withoutMonthly = CAMPAIGN.slice(0, CAMPAIGN.indexOf('  - id: NV-THANG'));
    const plan = await applyScenario(database.db, parse(withoutMonthly), { now: later });
    expect(plan.changes).toEqual([expect.objectContaining({ kind: 'cancel_directive', key: 'NV-THANG' })]);
    const rows = await database.db.select().from(directives).orderBy(directives.key);
    expect(rows.map((r) => [r.key, r.cancelledAt !== null])).toEqual([
      ['NV-THANG', true],
      ['NV1', false],
    ]);
  });
});
