import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { LOCK_FILE, lockDirectory } from './lock';

/**
 * Backups of Pulse's database, whichever driver:
 * - PGlite: PGlite's own dump of the data directory (a gzipped tar, `dumpDataDir`), taken while no
 *   Pulse runs on the directory (the command takes the directory's lock, so it is refused while Pulse
 *   holds it); restored with `loadDataDir` into an empty PGLITE_DIR.
 * - PostgreSQL: `pg_dump --format=custom` of DATABASE_URL, taken while Pulse runs (a consistent
 *   snapshot); restored with `pg_restore` into an empty database.
 * A file says which it is by its first bytes (gzip vs `PGDMP`); one kind is not restored into the other.
 */
export class BackupError extends Error {
  override name = 'BackupError';
}

export type Target = { databaseUrl?: string; pgliteDir: string };

export interface BackupResult {
  driver: 'pglite' | 'postgres';
  bytes: number;
  ms: number;
}

export async function backup(target: Target, file: string): Promise<BackupResult> {
  const started = performance.now();
  if (target.databaseUrl) {
    await runTool(
      'pg_dump',
      ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`],
      target.databaseUrl,
    );
  } else {
    if (target.pgliteDir.startsWith('memory://'))
      throw new BackupError('PGLITE_DIR is memory://: nothing to back up.');
    if (!existsSync(`${target.pgliteDir}/PG_VERSION`))
      throw new BackupError(`No database in PGLITE_DIR ${target.pgliteDir}: nothing to back up.`);
    const release = lockDirectory(target.pgliteDir);
    try {
      const client = new PGlite(target.pgliteDir);
      try {
        await client.waitReady;
        const dump = await client.dumpDataDir('gzip');
        writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
      } finally {
        await client.close();
      }
    } finally {
      release();
    }
  }
  return {
    driver: target.databaseUrl ? 'postgres' : 'pglite',
    bytes: statSync(file).size,
    ms: performance.now() - started,
  };
}

export async function restore(target: Target, file: string): Promise<BackupResult> {
  const started = performance.now();
  if (!existsSync(file)) throw new BackupError(`No backup file ${file}.`);
  const kind = kindOf(file);
  if (target.databaseUrl) {
    if (kind !== 'postgres')
      throw new BackupError(
        `${file} is not a PostgreSQL backup (pg_dump custom format): it cannot be restored into DATABASE_URL.`,
      );
    await assertEmptyPostgres(target.databaseUrl);
    await runTool(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', file],
      target.databaseUrl,
    );
  } else {
    if (kind !== 'pglite')
      throw new BackupError(
        `${file} is not a PGlite backup: restore it with DATABASE_URL set to an empty PostgreSQL database.`,
      );
    const dir = target.pgliteDir;
    if (dir.startsWith('memory://'))
      throw new BackupError('PGLITE_DIR is memory://: restore into a directory.');
    const release = lockDirectory(dir);
    try {
      if (readdirSync(dir).some((entry) => !entry.startsWith(LOCK_FILE)))
        throw new BackupError(
          `PGLITE_DIR ${dir} is not empty: restore into an empty directory (nothing was changed).`,
        );
      const client = new PGlite(dir, { loadDataDir: new Blob([readFileSync(file)]) });
      try {
        await client.waitReady;
        await client.query('select 1');
      } finally {
        await client.close();
      }
    } finally {
      release();
    }
  }
  return { driver: kind, bytes: statSync(file).size, ms: performance.now() - started };
}

function kindOf(file: string): 'pglite' | 'postgres' | 'unknown' {
  const head = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  return 'unknown';
}

async function assertEmptyPostgres(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ n: number }[]>`
      select count(*)::int as n from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema')`;
    if ((row?.n ?? 0) > 0)
      throw new BackupError(
        `The database of DATABASE_URL is not empty (${row!.n} tables): restore into an empty database (nothing was changed).`,
      );
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Cannot reach DATABASE_URL: ${(error as Error).message}`);
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Runs pg_dump / pg_restore on `url` (PG_BIN may name their folder); a missing binary is a clear
 * message. The password goes in PGPASSWORD, not on the command line where `ps` shows it.
 */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  const bin = process.env.PG_BIN ? `${process.env.PG_BIN}/${tool}` : tool;
  const target = new URL(url);
  const env = { ...process.env };
  if (target.password) {
    env.PGPASSWORD = decodeURIComponent(target.password);
    target.password = '';
  }
  const dbArg = tool === 'pg_dump' ? target.toString() : `--dbname=${target.toString()}`;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args, dbArg], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new BackupError(
              `${tool} not found: install the PostgreSQL client of the server's version (Debian: apt-get install postgresql-client-15) or set PG_BIN to its folder.`,
            )
          : error,
      );
    });
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(`${tool} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`),
        );
    });
  });
}
