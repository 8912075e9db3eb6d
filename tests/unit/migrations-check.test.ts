import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMigrated, MIGRATIONS_FOLDER, openDatabase } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Start-up asks one question instead of running drizzle's migrator (which reads and hashes every
 * file): has this database recorded the build's newest migration? A wrong "yes" would start Pulse
 * on an old schema, so every way to be behind must answer "no".
 */
let database: TestDatabase;
let folder: string;
beforeAll(async () => {
  database = await createTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
});
afterAll(async () => {
  await database.destroy();
  rmSync(folder, { recursive: true, force: true });
});

function addMigration(when: number): void {
  const file = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown>[] };
  journal.entries.push({
    idx: journal.entries.length,
    version: '7',
    when,
    tag: '9999_next',
    breakpoints: true,
  });
  writeFileSync(file, JSON.stringify(journal));
}

describe('isMigrated', () => {
  it('is true on a database migrated by this build', async () => {
    expect(await isMigrated(database.query, MIGRATIONS_FOLDER)).toBe(true);
  });

  it('is false when the build has a newer migration than the database recorded', async () => {
    const [row] = await database.query<{ newest: string }>(
      sql`select max(created_at) as newest from drizzle.__drizzle_migrations`,
    );
    addMigration(Number(row!.newest) + 1);
    expect(await isMigrated(database.query, folder)).toBe(false);
  });

  it('is false on an empty database, which has no migrations table', async () => {
    const empty = await openDatabase({ pgliteDir: 'memory://' });
    try {
      expect(await isMigrated(empty.query)).toBe(false);
      await empty.migrate();
      expect(await isMigrated(empty.query)).toBe(true);
      expect(await empty.query(sql`select count(*)::int as n from units`)).toEqual([{ n: 0 }]);
    } finally {
      await empty.close();
    }
  });

  it('is false when the table exists but is empty', async () => {
    const empty = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await empty.query(sql`create schema drizzle`);
      await empty.query(
        sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
      );
      expect(await isMigrated(empty.query)).toBe(false);
      await empty.migrate();
      expect(await isMigrated(empty.query)).toBe(true);
    } finally {
      await empty.close();
    }
  });
});
