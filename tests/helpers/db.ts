import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../db/client';

export interface TestDatabase extends Database {
  /** Empties every table (between tests). */
  reset(): Promise<void>;
  /** Closes the connection and drops the per-file database on Postgres. */
  destroy(): Promise<void>;
  /** The URL of this file's own Postgres database, when the suite runs on Postgres. */
  url?: string;
}

/**
 * One database per test file: an in-memory PGlite by default, or a fresh database on the
 * server named by TEST_DATABASE_URL (files run in parallel, so they cannot share one). Both start
 * migrated, from the templates of tests/helpers/database-templates.ts; `migrate()` then finds
 * nothing to do (and still runs, so a file never meets an unmigrated database).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `pulse_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await createFromTemplate(admin, name);
    await admin.end();
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    dropDatabase = async () => {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    };
  }
  const database = await openDatabase({
    databaseUrl: url,
    pgliteDir: 'memory://',
    poolSize: 5,
    memoryDump: process.env.PULSE_TEST_PGLITE_DUMP,
  });
  await database.migrate();
  return {
    ...database,
    url,
    reset: async () => {
      const tables = await database.query<{ tablename: string }>(
        sql`select tablename from pg_tables where schemaname = 'public'`,
      );
      if (tables.length === 0) return;
      const list = tables.map((t) => `"${t.tablename}"`).join(', ');
      await database.query(sql.raw(`truncate ${list} restart identity cascade`));
    },
    destroy: async () => {
      await database.close();
      await dropDatabase();
    },
  };
}

/**
 * `create database … template` the suite's migrated template (a file copy), or an empty database
 * when no global setup made one (a file run outside vitest's config). Postgres refuses a template
 * while another session is connected to it, which only a concurrent copy is, for an instant: retry.
 */
async function createFromTemplate(admin: postgres.Sql, name: string): Promise<void> {
  const template = process.env.PULSE_TEST_PG_TEMPLATE;
  if (!template) {
    await admin.unsafe(`create database ${name}`);
    return;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
