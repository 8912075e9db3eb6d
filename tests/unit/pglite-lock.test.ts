import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, openDatabase } from '../../db/client';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('embedded database lock', () => {
  it('refuses a second process on the same directory and takes over a stale lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-lock-'));
    dirs.push(dir);
    // pid 1 is always alive: it stands for another Pulse process holding the directory.
    writeFileSync(join(dir, 'pulse.pid'), '1');
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(DatabaseLockedError);
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(/pid 1/);

    writeFileSync(join(dir, 'pulse.pid'), '999999999');
    const database = await openDatabase({ pgliteDir: dir });
    await database.close();
  });
});
