import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, openDatabase } from '../../db/client';
import { LOCK_FILE, lockDirectory, STALE_MS } from '../../db/lock';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-lock-'));
  dirs.push(dir);
  return dir;
};
const holder = (pid: number, token = 'other-start') =>
  JSON.stringify({ token, pid, host: hostname(), startedAt: new Date().toISOString() });

describe('embedded database lock (issue 13 item 13)', () => {
  it('refuses a second process while the holder heartbeats, and releases on close', async () => {
    const dir = tempDir();
    const database = await openDatabase({ pgliteDir: dir });
    const held = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: hostname() });
    expect(held.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => lockDirectory(dir)).toThrow(DatabaseLockedError);
    await database.close();
    const release = lockDirectory(dir);
    release();
  });

  it('takes over a lock whose process is gone at once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), holder(999_999_999));
    lockDirectory(dir)();
  });

  it('is not fooled by a live pid that is not Pulse: a stale heartbeat is taken over', () => {
    const dir = tempDir();
    // pid 1 is always alive: it stands for a reused pid. A fresh file still holds the directory…
    writeFileSync(join(dir, LOCK_FILE), holder(1));
    expect(() => lockDirectory(dir)).toThrow(/in use by another Pulse process \(pid 1/);
    // …one whose heartbeat stopped longer ago than STALE_MS does not.
    const old = new Date(Date.now() - STALE_MS - 1000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const release = lockDirectory(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over an old pulse.pid-style file only once its heartbeat is stale', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), '12345');
    expect(() => lockDirectory(dir)).toThrow(DatabaseLockedError);
    const old = new Date(Date.now() - STALE_MS - 1000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    lockDirectory(dir)();
  });
});
