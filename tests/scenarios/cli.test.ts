import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chats, people, roles, units } from '../../db/schema';
import { runScenarioCli } from '../../scenarios/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const DEMO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pulse-scenario-cli-'));
});
afterAll(async () => {
  await database.destroy();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => database.reset());

/** Runs the CLI against this file's test database; the CLI's close() leaves it open for the next test. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runScenarioCli(argv, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    openDatabase: async () => ({ ...database, close: async () => {} }),
    now: () => new Date('2025-03-01T08:00:00Z'),
  });
  return { code, stdout, stderr };
}

function writeScenario(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function rowCounts() {
  const { db } = database;
  return [
    (await db.select().from(units)).length,
    (await db.select().from(people)).length,
    (await db.select().from(roles)).length,
    (await db.select().from(chats)).length,
  ];
}

describe('npm run scenario', () => {
  it('validates the demo file without touching the database', async () => {
    const result = await run(['validate', DEMO]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('valid (10 units, 13 people, 5 chats, 2 directives, 1 recurring polls');
    expect(await rowCounts()).toEqual([0, 0, 0, 0]);
  });

  it('plans without writing, then applies, then reports no changes', async () => {
    const plan = await run(['plan', DEMO]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('+ unit CB-KT "Chi bộ Khai thác" under CTY\n');
    expect(plan.stdout).toContain('+ role leader nguyen-van-an @ CB-KT\n');
    expect(plan.stdout).toContain('+ chat sandbox:grp-cb-kt → CB-KT "Chi bộ Khai thác — nhóm chung"\n');
    expect(await rowCounts()).toEqual([0, 0, 0, 0]);

    const applied = await run(['apply', DEMO]);
    expect(applied.code).toBe(0);
    const listed = applied.stdout.split('\n').filter((line) => /^[+~-] /.test(line));
    expect(listed.length).toBeGreaterThan(67);
    // The count it ends with is the count of lines it listed (the lexicon lists a line per topic).
    expect(applied.stdout).toContain(`Applied ${listed.length} change(s).`);
    expect(await rowCounts()).toEqual([10, 13, 13, 5]);

    expect(await run(['apply', DEMO])).toMatchObject({ code: 0, stdout: 'No changes.\n' });
  });

  it("shows directive times in the plan's time zone, and only the bounds a schedule has", async () => {
    const file = writeScenario(
      'times.yaml',
      `version: 1
units: [{ code: CTY, name: Công ty }]
directives:
  - { id: A, title: Một lần, body: Nội dung, schedule: { at: 2027-03-15 08:00 } }
  - { id: B, title: Hằng tuần, body: Nội dung, schedule: { cron: "0 8 * * 1" } }
  - { id: C, title: Hằng tháng, body: Nội dung, schedule: { cron: "0 8 1 * *", from: 2027-04-01, until: 2027-12-31 } }
`,
    );
    const plan = await run(['plan', file]);
    expect(plan.stderr).toBe('');
    const lines = plan.stdout.split('\n').filter((line) => line.startsWith('+ directive'));
    expect(lines).toEqual([
      '+ directive A "Một lần" (at 08:00 15/03/2027 Asia/Ho_Chi_Minh)',
      '+ directive B "Hằng tuần" (cron "0 8 * * 1" Asia/Ho_Chi_Minh)',
      '+ directive C "Hằng tháng" (cron "0 8 1 * *" from 00:00 01/04/2027 until 23:59 31/12/2027 Asia/Ho_Chi_Minh)',
    ]);
    expect(plan.stdout).not.toMatch(/…|\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    const applied = await run(['apply', file]);
    expect(applied.stdout.trim().split('\n').at(-1)).toBe('Applied 4 change(s).');
  });

  it('lists units the file no longer mentions as kept, and role changes as - and +', async () => {
    await run(['apply', DEMO]);
    const edited = readFileSync(DEMO, 'utf8')
      .replace('          - { code: T-VP2, name: Tổ Kế toán – Tài chính }\n', '')
      .replace('roles: [{ role: worker, unit: T-VP2 }]', 'roles: [{ role: worker, unit: T-VP1 }]');
    const result = await run(['plan', writeScenario('edited.yaml', edited)]);
    expect(result.stdout.split('\n')).toEqual([
      '+ role worker ly-van-toan @ T-VP1',
      '- role worker ly-van-toan @ T-VP2',
      '= kept unit T-VP2 "Tổ Kế toán – Tài chính" (not in file)',
      '',
    ]);
  });

  it('refuses an invalid file with file:line errors on stderr, exit code 1 and nothing written', async () => {
    const broken = readFileSync(DEMO, 'utf8').replace(
      'roles: [{ role: leader, unit: CB-KT }]',
      'roles: [{ role: leader, unit: CB-XX }]',
    );
    const path = writeScenario('broken.yaml', broken);
    const lines = broken.split('\n');
    const line = lines.findIndex((l) => l.includes('CB-XX'));
    const column = lines[line]!.indexOf('CB-XX');

    const result = await run(['apply', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${path}:${line + 1}:${column + 1} people[1].roles[0].unit: unknown unit "CB-XX"`,
    );
    expect(result.stderr).toContain('nothing was applied');
    expect(await rowCounts()).toEqual([0, 0, 0, 0]);
  });

  it('exits 2 on a usage error, an unreadable file or a bad configuration', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage:') });
    expect(await run(['deploy', DEMO])).toMatchObject({ code: 2 });
    expect(await run(['apply'])).toMatchObject({ code: 2 });
    expect(await run(['plan', join(dir, 'missing.yaml')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Cannot read'),
    });
    const badConfig = await run(['apply', DEMO], { DATABASE_URL: 'mysql://localhost/pulse' });
    expect(badConfig).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Config error: DATABASE_URL'),
    });
    expect(await rowCounts()).toEqual([0, 0, 0, 0]);
  });
});
