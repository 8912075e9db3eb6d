import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config';
import { parsePollArgs } from '../../bot/features/polls/commands/poll-create';
import { parseReportArgs } from '../../bot/features/reports/commands/report';
import { normalizeFlagDashes, sanitizeText } from '../../bot/kernel/sanitize';
import { parseDateTimeParts } from '../../bot/kernel/time';
import { UsageProblem } from '../../bot/runtime/flags';
import { auditLog, polls } from '../../db/schema';
import { parseScenario } from '../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, group, type Harness, seedOrg, user } from '../helpers/harness';

let database: TestDatabase;
let harness: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  const org = await seedOrg(database);
  await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
});

const admin = user(1, 'Quản trị');
const lastText = () => harness.messenger.last()?.message.text ?? '';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageProblem) return { key: error.key, ...error.params };
    throw error;
  }
  return undefined;
};

describe('issue 13 item 2: a NUL byte never silences a command', () => {
  it('answers /link, /role and /pulse with \\0 and writes their audit rows', async () => {
    await harness.handle(command(group('-100', 'Tổ 1'), admin, '/link T1\0'));
    expect(lastText()).toContain('T1');
    await harness.handle(command(dm(1), admin, '/role grant leader telegram:9\0 CB1'));
    expect(lastText()).not.toBe('');
    await harness.handle(command(dm(1), admin, '/pulse Q \0'));
    expect(lastText()).not.toBe('');
    const rows = await database.db.select().from(auditLog).orderBy(desc(auditLog.id));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.args).not.toContain('\0');
  });

  it('strips C0/C1 controls and direction overrides, keeps newlines and tabs', () => {
    expect(sanitizeText('a\0b\u0007c\u009Fd\te\nf')).toBe('abcd\te\nf');
    expect(sanitizeText('x\u202Eevil\u202C \u2066y\u2069')).toBe('xevil y');
  });
});

describe('issue 13 item 11: autocorrected, repeated, unknown and non-decimal flags', () => {
  it('reads em and en dashes before a flag name as --', () => {
    expect(normalizeFlagDashes('Ca ba có ổn không? —units T-KT1 –closes 48h')).toBe(
      'Ca ba có ổn không? --units T-KT1 --closes 48h',
    );
    expect(normalizeFlagDashes('A — B và CB-KT')).toBe('A — B và CB-KT');
  });

  it('a poll with em-dash flags gets its flags, not a question with them in it', async () => {
    await harness.handle(command(group('-100', 'Tổ 1'), admin, '/link T1'));
    await harness.handle(
      command(group('-100', 'Tổ 1'), admin, '/pulse Ca ba có ổn không? —units T1 —closes 48h'),
    );
    const [poll] = await database.db.select().from(polls);
    expect(poll?.question).toBe('Ca ba có ổn không?');
  });

  it('refuses a repeated flag, an unknown one and --min 0x10, naming them', async () => {
    expect(problemOf(() => parsePollArgs('Q --closes 1h --closes 2h', 'scale'))).toMatchObject({
      key: 'flags.repeated',
      flag: '--closes',
    });
    expect(problemOf(() => parsePollArgs('Q --foo', 'scale'))).toMatchObject({
      key: 'flags.unknown',
      flag: '--foo',
    });
    expect(problemOf(() => parsePollArgs('Q --min 0x10', 'scale'))).toMatchObject({
      key: 'flags.notDecimal',
      value: '0x10',
    });
    expect(parsePollArgs('Q --min 7', 'scale')?.min).toBe(7);
    await harness.handle(command(dm(1), admin, '/pulse Q --min 1e1'));
    expect(lastText()).toMatch(/^Giá trị "1e1" của --min phải là số thập phân/);
    await harness.handle(command(dm(1), admin, '/report --format md --format csv'));
    expect(lastText()).toMatch(/^Cờ --format được ghi hai lần/);
    const [row] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(row).toMatchObject({ result: 'usage' });
  });

  it('every command that takes flags names a bad one (--foo), not just its usage', async () => {
    const lines = [
      '/pulse Ca ba thế nào? --foo 3',
      '/poll Q | A | B --foo',
      '/report --foo',
      '/report CB1 --foo week',
      '/yeucau CB1 --until 2030-01-01 --foo x',
      '/khaosat start quy-4 --foo',
      '/doithoai CB1 --until 2030-01-01T17:00 --foo',
    ];
    for (const line of lines) {
      await harness.handle(command(dm(1), admin, line));
      expect(lastText(), line).toMatch(/^Không có cờ --foo\. Các cờ dùng được: --/);
    }
    expect(await database.db.select().from(polls)).toEqual([]);
  });

  it('validates report periods with a specific message', () => {
    expect(problemOf(() => parseReportArgs('--period 2025-03-01..2025-01-01'))).toMatchObject({
      key: 'report.periodReversed',
    });
    expect(problemOf(() => parseReportArgs('--period 1900-01-01..2999-12-31'))).toMatchObject({
      key: 'report.periodYears',
    });
    expect(problemOf(() => parseReportArgs('--period 2024-01-01..2025-06-30'))).toMatchObject({
      key: 'report.periodTooLong',
    });
    expect(problemOf(() => parseReportArgs('--period 2025-02-30..2025-03-01'))).toMatchObject({
      key: 'report.periodInvalid',
    });
    expect(parseReportArgs('CB1 --period 2025-01-01..2025-12-31')).toMatchObject({ code: 'CB1' });
  });
});

describe('issue 13 item 11: environment validation', () => {
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig({ PGLITE_DIR: 'memory://', ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'accepted';
  };
  const TOKEN = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  it('refuses PORT=0x10, non-https webhooks, ftp API roots and a secret without its URL', () => {
    expect(refused({ PORT: '0x10' })).toBe('Config error: PORT must be a port number 0–65535');
    expect(refused({ PORT: '1e3' })).toContain('PORT must be');
    expect(
      refused({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'javascript:alert',
        TELEGRAM_WEBHOOK_SECRET: 'abc',
      }),
    ).toContain('TELEGRAM_WEBHOOK_URL must be the public https URL');
    expect(
      refused({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'http://pulse.example.vn/h',
        TELEGRAM_WEBHOOK_SECRET: 'abc',
      }),
    ).toContain('TELEGRAM_WEBHOOK_URL must be');
    expect(
      refused({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:8080/h',
        TELEGRAM_WEBHOOK_SECRET: 'abc',
      }),
    ).toBe('accepted');
    expect(refused({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'ftp://x/' })).toContain(
      'TELEGRAM_API_ROOT must be',
    );
    expect(refused({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: 'abc' })).toBe(
      'Config error: TELEGRAM_WEBHOOK_SECRET must be used only with TELEGRAM_WEBHOOK_URL (webhook mode): set that too, or unset TELEGRAM_WEBHOOK_SECRET for long polling',
    );
  });
});

describe('issue 13 items 11 and 15: scenario edge cases', () => {
  const errorsOf = (text: string) => {
    const result = parseScenario(text, 'test.yaml');
    return result.ok ? [] : result.errors.map((e) => `${e.file}:${e.line} ${e.field}: ${e.message}`);
  };

  it('refuses an offset like +99:99', () => {
    expect(parseDateTimeParts('2030-03-15T08:00+99:99')).toBeUndefined();
    expect(parseDateTimeParts('2030-03-15T08:00+07:00')?.offset).toBe('+07:00');
  });

  it('reports a unit cycle through an alias with its line, without a stack overflow', () => {
    const errors = errorsOf('units:\n  - &a\n    code: A\n    name: A\n    children:\n      - *a\n');
    expect(errors).toEqual([
      expect.stringMatching(/^test\.yaml:6 : the alias \*a refers to a node that contains it/),
    ]);
  });

  it('refuses a \\0 in a name at its line', () => {
    const errors = errorsOf('units:\n  - code: A\n    name: "A\\0B"\n');
    expect(errors).toContainEqual(
      expect.stringMatching(/^test\.yaml:3 units\[0\]\.name: contains a control character/),
    );
  });

  it('reports unknown units in roles together with structural errors', () => {
    const errors = errorsOf(
      'units:\n  - code: A\n    name: A\n    bogus: 1\npeople:\n  - key: p\n    name: P\n    roles:\n      - { role: leader, unit: NOPE }\n',
    );
    expect(errors.some((e) => e.includes('unknown key "bogus"'))).toBe(true);
    expect(errors.some((e) => e.includes('unknown unit "NOPE"'))).toBe(true);
  });
});

describe('report arguments keep any order', () => {
  it('reads the unit code before, between or after the flags', () => {
    for (const text of ['CB1 --period month', '--period month CB1', '--format md CB1 --period month']) {
      expect(parseReportArgs(text), text).toMatchObject({ code: 'CB1', period: { current: 'month' } });
    }
    expect(parseReportArgs('CB1 CB2')).toBeNull();
  });
});
