import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/client';

/**
 * Vitest global setup: the migrated database every test file's own database starts from
 * (tests/helpers/db.ts), made once per set of migrations instead of once per file.
 * - PGlite: one migrated in-memory database, dumped to a file; each file loads the dump instead of
 *   running initdb and the migrations (seconds per file).
 * - PostgreSQL (TEST_DATABASE_URL): one migrated database `pulse_template_<hash>`; each file runs
 *   `create database … template` it, a file copy, instead of 26 migrations.
 * Both are keyed by the migrations, so a new migration makes new ones.
 */
export default async function setup(): Promise<void> {
  const hash = migrationsHash();
  process.env.PULSE_TEST_PGLITE_DUMP = await pgliteDump(hash);
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    process.env.PULSE_TEST_PG_TEMPLATE = await postgresTemplate(serverUrl, hash);
    process.env.PULSE_TEST_PG_TEMPLATE_SERVER = serverUrl;
  }
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (name.endsWith('.sql') || name.endsWith('.json'))
      hash.update(name).update(readFileSync(join(MIGRATIONS_FOLDER, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function pgliteDump(hash: string): Promise<string> {
  const file = join(tmpdir(), `pulse-test-pglite-${hash}.tar`);
  if (existsSync(file)) return file;
  const database = await openDatabase({ pgliteDir: 'memory://' });
  await database.migrate();
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const dump = await client.dumpDataDir('none');
  await database.close();
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return file;
}

/** Any key, the same in every run that may make templates at once (both projects, other checkouts). */
const TEMPLATE_LOCK_KEY = 7_461_002;

/**
 * The migrated template database on the server, made when absent. It is migrated under a
 * temporary name and renamed when complete, so the final name never names a half-migrated
 * database; an advisory lock makes concurrent runs wait for the first one instead of racing it.
 */
async function postgresTemplate(serverUrl: string, hash: string): Promise<string> {
  const name = `pulse_template_${hash}`;
  const partial = `${name}_partial`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) {
      // A partial one is what a run killed while migrating left behind.
      await admin.unsafe(`drop database if exists ${partial} with (force)`);
      await admin.unsafe(`create database ${partial}`);
      const target = new URL(serverUrl);
      target.pathname = `/${partial}`;
      const database = await openDatabase({ databaseUrl: target.toString(), pgliteDir: 'memory://' });
      try {
        await database.migrate();
      } finally {
        await database.close();
      }
      await admin.unsafe(`alter database ${partial} rename to ${name}`);
      await admin.unsafe(`alter database ${name} is_template true`);
    }
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
  } finally {
    await admin.end();
  }
  return name;
}
