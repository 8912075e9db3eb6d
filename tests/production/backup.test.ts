import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoWhenEmpty } from '../../bot/sandbox/demo';
import { type Database, openDatabase } from '../../db/client';
import { FakeClock } from '../helpers/clock';

const ROOT = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'pulse-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npm run backup|restore -- FILE` as the operator runs it (tsx, the CLI, the environment). */
function cli(command: 'backup' | 'restore', file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'db/backup-cli.ts', command, file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out: out.trim() })),
  );
}

/** Every table of every Pulse schema (and every sequence's position), as sorted JSON lines. */
async function snapshot(database: Database): Promise<Record<string, string[]>> {
  const tables = await database.query<{ schema: string; name: string }>(sql`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'
    order by 1, 2`);
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await database.query(sql.raw(`select * from "${table.schema}"."${table.name}"`));
    result[`${table.schema}.${table.name}`] = rows.map((row) => JSON.stringify(row)).sort();
  }
  const sequences = await database.query<{ schema: string; name: string }>(sql`
    select sequence_schema as schema, sequence_name as name from information_schema.sequences order by 1, 2`);
  for (const sequence of sequences) {
    const rows = await database.query(
      sql.raw(`select last_value, is_called from "${sequence.schema}"."${sequence.name}"`),
    );
    result[`sequence ${sequence.schema}.${sequence.name}`] = rows.map((row) => JSON.stringify(row));
  }
  return result;
}

/** The demo company (units, people, roles, polls, directives, lexicons…) plus the migrations' own rows. */
async function seed(database: Database): Promise<void> {
  await database.migrate();
  const applied = await seedDemoWhenEmpty(database.db, {
    clock: new FakeClock(new Date('2026-03-02T02:00:00Z')),
    logger: pino({ level: 'silent' }),
  });
  expect(applied).toBe(true);
}

function expectMostTablesFilled(tables: Record<string, string[]>): void {
  const filled = Object.entries(tables).filter(
    ([name, rows]) => !name.startsWith('sequence') && rows.length > 0,
  );
  expect(filled.length).toBeGreaterThanOrEqual(8);
}

describe('issue 15 item 5: backup and restore of the embedded PGlite database', () => {
  it('restores into an empty PGLITE_DIR an identical database, table by table', async () => {
    const source = join(work, 'source');
    const original = await openDatabase({ pgliteDir: source });
    await seed(original);
    const before = await snapshot(original);
    await original.close();
    expectMostTablesFilled(before);

    const file = join(work, 'pulse.pglite.tar.gz');
    const dumped = await cli('backup', file, { PGLITE_DIR: source });
    expect(dumped.out).toMatch(/^Backed up PGlite/);
    expect(dumped.code).toBe(0);

    const target = join(work, 'target');
    const restored = await cli('restore', file, { PGLITE_DIR: target });
    expect(restored.out).toMatch(/^Restored PGlite/);
    expect(restored.code).toBe(0);

    const copy = await openDatabase({ pgliteDir: target });
    try {
      expect(await snapshot(copy)).toEqual(before);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it('refuses a directory that is not empty, a database in use, and a PostgreSQL dump, changing nothing', async () => {
    const file = join(work, 'pulse.pglite.tar.gz');
    expect(existsSync(file)).toBe(true);
    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'an operator left this here');
    const notEmpty = await cli('restore', file, { PGLITE_DIR: busy });
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.out).toMatch(/is not empty: restore into an empty directory \(nothing was changed\)/);
    expect(readdirSync(busy)).toEqual(['notes.txt']);

    const running = join(work, 'running');
    const held = await openDatabase({ pgliteDir: running });
    try {
      const locked = await cli('backup', join(work, 'never.tar.gz'), { PGLITE_DIR: running });
      expect(locked.code).toBe(1);
      expect(locked.out).toMatch(/in use by another Pulse process/);
      expect(existsSync(join(work, 'never.tar.gz'))).toBe(false);
    } finally {
      await held.close();
    }

    const fake = join(work, 'fake.dump');
    writeFileSync(fake, 'PGDMP not really');
    const wrongKind = await cli('restore', fake, { PGLITE_DIR: join(work, 'empty') });
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.out).toMatch(/is not a PGlite backup/);
  }, 120_000);
});

const serverUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(!serverUrl)(
  'issue 15 item 5: backup and restore of PostgreSQL (pg_dump / pg_restore)',
  () => {
    const names: string[] = [];
    const urlOf = (name: string) => {
      const url = new URL(serverUrl!);
      url.pathname = `/${name}`;
      return url.toString();
    };
    async function createDb(): Promise<string> {
      const name = `pulse_backup_${process.pid}_${names.length}_${Date.now() % 100000}`;
      const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      names.push(name);
      return urlOf(name);
    }
    afterAll(async () => {
      const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
      for (const name of names) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });

    it('restores into an empty database an identical one, table by table, and refuses a non-empty one', async () => {
      const sourceUrl = await createDb();
      const original = await openDatabase({ databaseUrl: sourceUrl, pgliteDir: 'memory://' });
      let before: Record<string, string[]>;
      try {
        await seed(original);
        before = await snapshot(original);
      } finally {
        await original.close();
      }
      expectMostTablesFilled(before);

      const file = join(work, 'pulse.pgdump');
      const dumped = await cli('backup', file, { DATABASE_URL: sourceUrl });
      expect(dumped.out).toMatch(/^Backed up PostgreSQL/);
      expect(dumped.code).toBe(0);

      const targetUrl = await createDb();
      const restored = await cli('restore', file, { DATABASE_URL: targetUrl });
      expect(restored.out).toMatch(/^Restored PostgreSQL/);
      expect(restored.code).toBe(0);
      const copy = await openDatabase({ databaseUrl: targetUrl, pgliteDir: 'memory://' });
      try {
        expect(await snapshot(copy)).toEqual(before);
        // Pulse starts on the restored database: its migrations find nothing left to do.
        await copy.migrate();
        expect(await snapshot(copy)).toEqual(before);
      } finally {
        await copy.close();
      }

      const again = await cli('restore', file, { DATABASE_URL: targetUrl });
      expect(again.code).toBe(1);
      expect(again.out).toMatch(/is not empty .* \(nothing was changed\)/);

      const noTools = await cli('backup', join(work, 'x.pgdump'), {
        DATABASE_URL: sourceUrl,
        PG_BIN: '/nonexistent',
      });
      expect(noTools.code).toBe(1);
      expect(noTools.out).toMatch(/pg_dump not found: install the PostgreSQL client/);
    }, 120_000);
  },
);
