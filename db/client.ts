import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDirectory } from './lock';
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
/** Arbitrary constant shared by every Pulse process: serialises migrations on one Postgres. */
const MIGRATION_LOCK_KEY = 7_461_001;

export interface DatabaseOptions {
  databaseUrl?: string;
  pgliteDir: string;
  /** Pool size for postgres.js. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.pgliteDir);
}

async function openPglite(dir: string): Promise<Database> {
  const releaseLock = dir.startsWith('memory://') ? () => {} : lockDirectory(dir);
  const client = new PGlite(dir);
  try {
    await client.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    query: async <T>(statement: SQL) => {
      const result = (await db.execute(statement)) as unknown as { rows: T[] };
      return result.rows;
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const client = postgres(url, { max: poolSize, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    migrate: async () => {
      const lock = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
        await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await lock.end();
      }
    },
    query: async <T>(statement: SQL) => (await db.execute(statement)) as unknown as T[],
    close: () => client.end({ timeout: 5 }),
  };
}

export async function ping(database: Database): Promise<void> {
  await database.query(sql`select 1`);
}
