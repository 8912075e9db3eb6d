import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { LOCK_FILE, lockDirectory } from './lock';
import * as schema from './schema';

export { DatabaseLockedError, UnusableDirectoryError } from './lock';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle: inside `db.transaction(tx => …)` use only `tx` (PGlite has one connection). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  /** Runs a raw statement and returns its rows, whichever driver is underneath. */
  query<T = Record<string, unknown>>(statement: SQL): Promise<T[]>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
/**
 * A PGlite data directory with every migration of the build applied, made by `npm run build`
 * (dist/db/pglite-template). A fresh PGLITE_DIR starts as a copy of it: PGlite's initdb alone takes
 * about 4 s on a 2-core machine, the copy a few milliseconds. Absent from the source tree.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('./pglite-template', import.meta.url));
export const TEMPLATE_STAMP = 'pulse-template.json';
/** Arbitrary constant shared by every Pulse process: serialises migrations on one Postgres. */
const MIGRATION_LOCK_KEY = 7_461_001;

export interface DatabaseOptions {
  databaseUrl?: string;
  pgliteDir: string;
  /** Pool size for postgres.js. */
  poolSize?: number;
  /**
   * A `memory://` database starts from this dump (a tar file made by PGlite's `dumpDataDir`)
   * instead of running initdb: the test suite makes one migrated dump and opens every file's
   * database from it.
   */
  memoryDump?: string;
}

/** The newest migration's timestamp in the journal (drizzle records it as `created_at`). */
function newestMigration(folder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((entry) => entry.when));
}

/**
 * One query instead of drizzle's migrator, which reads and hashes every migration file: true when
 * the database has recorded the newest migration of this build. Any error (no table yet) is false.
 */
export async function isMigrated(query: Database['query'], folder = MIGRATIONS_FOLDER): Promise<boolean> {
  try {
    const [row] = await query<{ newest: string | number | null }>(
      sql`select max(created_at) as newest from drizzle.__drizzle_migrations`,
    );
    return row?.newest != null && Number(row.newest) >= newestMigration(folder);
  } catch {
    return false;
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.pgliteDir, options.memoryDump);
}

async function openPglite(dir: string, memoryDump?: string): Promise<Database> {
  const memory = dir.startsWith('memory://');
  const releaseLock = memory ? () => {} : lockDirectory(dir);
  if (!memory) seedFromTemplate(dir);
  const client =
    memory && memoryDump
      ? new PGlite(dir, { loadDataDir: new Blob([readFileSync(memoryDump)]) })
      : new PGlite(dir);
  try {
    await client.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const query = async <T>(statement: SQL) => {
    const result = (await db.execute(statement)) as unknown as { rows: T[] };
    return result.rows;
  };
  return {
    db,
    driver: 'pglite',
    migrate: async () => {
      if (await isMigrated(query)) return;
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    query,
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/** The installed PGlite's version: a template made by another version is not used. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let folder = dirname(entry);
  for (let i = 0; i < 4; i++, folder = dirname(folder)) {
    const file = join(folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite') return pkg.version ?? '?';
  }
  return '?';
}

/** Copies the build's template into `dir` when `dir` holds no database yet (only Pulse's lock). */
function seedFromTemplate(dir: string, template = PGLITE_TEMPLATE): void {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  if (readdirSync(dir).some((entry) => !entry.startsWith(LOCK_FILE))) return;
  let stamp: { pglite?: string };
  try {
    stamp = JSON.parse(readFileSync(join(template, TEMPLATE_STAMP), 'utf8')) as { pglite?: string };
  } catch {
    return; // no template (running from source): PGlite runs initdb
  }
  if (stamp.pglite !== pgliteVersion()) return;
  cpSync(template, dir, {
    recursive: true,
    filter: (source) => !source.endsWith(TEMPLATE_STAMP),
  });
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const client = postgres(url, { max: poolSize, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const query = async <T>(statement: SQL) => (await db.execute(statement)) as unknown as T[];
  return {
    db,
    driver: 'postgres',
    migrate: async () => {
      if (await isMigrated(query)) return;
      const lock = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
        await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await lock.end();
      }
    },
    query,
    close: () => client.end({ timeout: 5 }),
  };
}

export async function ping(database: Database): Promise<void> {
  await database.query(sql`select 1`);
}
