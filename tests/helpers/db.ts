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
    await createFromTemplate(admin, name, serverUrl);
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
    reset: () => database.query(EMPTY_EVERY_TABLE).then(() => {}),
    destroy: async () => {
      await database.close();
      await dropDatabase();
    },
  };
}

/**
 * Empties every table of the public schema and restarts its sequences (what `truncate … restart
 * identity cascade` does) in one statement, one round trip. `delete` rather than `truncate`, which
 * makes new files for each of the 60 tables and costs hundreds of milliseconds per test on
 * PostgreSQL; replica mode skips the foreign-key triggers, so the order of the deletes does not
 * matter, and `set_config(…, true)` keeps that to this statement's transaction. Only used
 * sequences are set back. Superuser only, which the test role is on both databases.
 */
const EMPTY_EVERY_TABLE = sql.raw(`do $$
declare
  t record;
begin
  perform set_config('session_replication_role', 'replica', true);
  for t in select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' loop
    execute format('delete from %s', t.name);
  end loop;
  for t in select format('%I.%I', schemaname, sequencename) as name, start_value
    from pg_sequences where schemaname = 'public' and last_value is not null loop
    perform setval(t.name, t.start_value, false);
  end loop;
end $$`);

/**
 * `create database … template` the suite's migrated template (a file copy), or an empty database
 * when there is none on this server: no global setup made one (a file run outside vitest's config),
 * or a test points TEST_DATABASE_URL at a server of its own (tests/reliability/delivery.test.ts).
 * Postgres refuses a template while another session is connected to it, which only a concurrent
 * copy is, for an instant: retry.
 */
async function createFromTemplate(admin: postgres.Sql, name: string, serverUrl: string): Promise<void> {
  const template = process.env.PULSE_TEST_PG_TEMPLATE;
  if (!template || process.env.PULSE_TEST_PG_TEMPLATE_SERVER !== serverUrl) {
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
