import { randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The lock file in a PGlite directory: created atomically (O_EXCL), holding this start's token. */
export const LOCK_FILE = 'pulse.lock';
/** The holder touches the lock file this often… */
export const HEARTBEAT_MS = 2_000;
/** …so a lock untouched this long belongs to a Pulse that is gone (frozen or dead), whatever its pid. */
export const STALE_MS = 30_000;

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

/** PGLITE_DIR cannot hold a database: it is a file, cannot be created, or is not writable. */
export class UnusableDirectoryError extends Error {
  override name = 'UnusableDirectoryError';
}

interface Holder {
  token: string;
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Makes sure `dir` is a writable directory, creating it level by level. (Node's recursive mkdir
 * never returns for a path under /proc, hence no `recursive: true`.)
 */
export function prepareDirectory(dir: string): void {
  const path = resolve(dir);
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) {
        throw new UnusableDirectoryError(
          `PGLITE_DIR ${dir} is not usable: ${existing} is a file, not a directory`,
        );
      }
      break;
    } catch (error) {
      if (error instanceof UnusableDirectoryError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || dirname(existing) === existing) throw unusable(dir, error);
      missing.unshift(existing);
      existing = dirname(existing);
    }
  }
  try {
    for (const level of missing) {
      try {
        mkdirSync(level);
      } catch (error) {
        // Another process starting at the same moment made it first: fine if it is a directory.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
      }
    }
    accessSync(path, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw unusable(dir, error);
  }
}

function unusable(dir: string, error: unknown): UnusableDirectoryError {
  const e = error as NodeJS.ErrnoException;
  const reason =
    e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
      ? 'it is not writable'
      : e.code === 'ENOENT'
        ? 'it cannot be created there'
        : e.code === 'ENOTDIR'
          ? 'a part of the path is a file'
          : (e.code ?? e.message);
  return new UnusableDirectoryError(`PGLITE_DIR ${dir} is not usable: ${reason} (${e.code ?? 'error'})`);
}

/**
 * PGlite is one process's database: a second process on the same directory corrupts it. The lock
 * is the atomic creation of `pulse.lock` holding a random start token; the holder refreshes the
 * file's mtime every HEARTBEAT_MS. A lock is stale, and taken over, when its heartbeat is older than
 * STALE_MS, or at once when its process is gone on this host; a live pid alone (pid reuse) never
 * holds a directory. Two contenders taking over the same stale lock are serialised by an atomic
 * mkdir, so exactly one wins. Returns the release function.
 */
export function lockDirectory(dir: string, now: () => number = Date.now): () => void {
  prepareDirectory(dir);
  const file = join(dir, LOCK_FILE);
  const me: Holder = {
    token: randomUUID(),
    pid: process.pid,
    host: hostname(),
    startedAt: new Date(now()).toISOString(),
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(file, me)) return holdLock(file, me.token);
    const holder = readHolder(file);
    if (holder === 'gone') continue;
    if (!isStale(holder, now())) {
      const who = holder.lock
        ? `pid ${holder.lock.pid} on ${holder.lock.host}, started ${holder.lock.startedAt}`
        : 'a process starting now';
      throw new DatabaseLockedError(
        `The embedded database in ${dir} is in use by another Pulse process (${who}). ` +
          'Stop it first, or use PostgreSQL (DATABASE_URL) to run several processes.',
      );
    }
    takeOver(file, holder.lock?.token, now());
  }
  throw new DatabaseLockedError(
    `The embedded database in ${dir} is being taken over by another process; try again.`,
  );
}

function tryCreate(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

type Observed = { lock?: Holder; mtimeMs: number };

function readHolder(file: string): Observed | 'gone' {
  try {
    const mtimeMs = statSync(file).mtimeMs;
    const text = readFileSync(file, 'utf8');
    try {
      return { lock: JSON.parse(text) as Holder, mtimeMs };
    } catch {
      // Being written this instant (or an old pid file): only its heartbeat can say it is alive.
      return { mtimeMs };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function isStale(observed: Observed, nowMs: number): boolean {
  if (nowMs - observed.mtimeMs > STALE_MS) return true;
  const lock = observed.lock;
  return Boolean(lock && lock.host === hostname() && lock.pid !== process.pid && !isAlive(lock.pid));
}

/** Removes a stale lock, only if it is still the one judged stale, under an atomic mkdir. */
function takeOver(file: string, staleToken: string | undefined, nowMs: number): void {
  const mutex = `${file}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another contender is taking over; a mutex left by one that died mid-way is cleared when old.
    try {
      if (nowMs - statSync(mutex).mtimeMs > STALE_MS) rmdirSync(mutex);
    } catch {}
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    const again = readHolder(file);
    if (again !== 'gone' && again.lock?.token === staleToken && isStale(again, nowMs))
      rmSync(file, { force: true });
  } finally {
    rmdirSync(mutex);
  }
}

function holdLock(file: string, token: string): () => void {
  const heartbeat = setInterval(() => {
    try {
      const at = new Date();
      utimesSync(file, at, at);
    } catch {}
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return () => {
    clearInterval(heartbeat);
    const current = readHolder(file);
    if (current !== 'gone' && current.lock?.token === token) rmSync(file, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
