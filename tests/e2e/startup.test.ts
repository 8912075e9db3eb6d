import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net';

const ROOT = new URL('../../', import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-startup-'));
  dirs.push(dir);
  return dir;
}

/** Runs `node --import tsx bot/main.ts` (what npm start runs) and collects its exit. */
function run(env: Record<string, string>, timeoutMs = 40_000) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    // Pulse listens before it opens the database: cases run side by side, each on a port of its own.
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  child.stdout?.resume();
  return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim(), ms: Date.now() - started });
    });
  });
}

describe('issue 13 items 3 and 4: start-up errors are one readable line and exit 1', () => {
  it('explains each unusable database, directory, port, host and platform in one line', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const busy = createServer();
    const busyPort = await freePort();
    await new Promise<void>((resolve) => busy.listen(busyPort, '127.0.0.1', resolve));
    const closedPort = await freePort();
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [
        'DATABASE_URL to a closed port',
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/pulse` },
        /^Database error: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      ],
      [
        'PGLITE_DIR is a file',
        { PGLITE_DIR: file },
        /^PGLITE_DIR .* is not usable: .* is a file, not a directory$/,
      ],
      ['PGLITE_DIR under /proc', { PGLITE_DIR: '/proc/nope' }, /^PGLITE_DIR \/proc\/nope is not usable/],
      [
        'PGLITE_DIR under a file',
        { PGLITE_DIR: join(file, 'sub') },
        /^PGLITE_DIR .* is not usable: a part of the path is a file \(ENOTDIR\)$/,
      ],
      [
        'the port is in use',
        { PGLITE_DIR: 'memory://', PORT: String(busyPort), SANDBOX_HOST: '127.0.0.1' },
        new RegExp(`^Start-up error: port ${busyPort} on 127\\.0\\.0\\.1 is already in use`),
      ],
      [
        'HOST cannot be resolved',
        { PGLITE_DIR: 'memory://', PORT: '0', SANDBOX: 'off', HOST: 'no-such-host.invalid' },
        /^Start-up error: the host name "no-such-host\.invalid" cannot be resolved/,
      ],
      [
        'TELEGRAM_API_ROOT unreachable',
        {
          PGLITE_DIR: 'memory://',
          PORT: '0',
          HOST: '127.0.0.1',
          TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          TELEGRAM_API_ROOT: `http://127.0.0.1:${closedPort}`,
        },
        /^telegram: cannot start \(.*getMe.*\); check its token and API URL$/,
      ],
      [
        'TELEGRAM_API_ROOT ftp://',
        { TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_API_ROOT: 'ftp://127.0.0.1/' },
        /^Config error: TELEGRAM_API_ROOT must be an http\(s\) URL of the Bot API server$/,
      ],
      ['PORT=0x10', { PORT: '0x10' }, /^Config error: PORT must be a port number 0–65535$/],
    ];
    if (process.env.TEST_DATABASE_URL) {
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.pathname = '/pulse_no_such_database';
      cases.push([
        'DATABASE_URL to a missing database',
        { DATABASE_URL: url.toString() },
        /^Database error: database "pulse_no_such_database" does not exist/,
      ]);
    }
    // Four at a time: each start loads tsx, and the machine is shared.
    const results: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      results.push(...(await Promise.all(cases.slice(i, i + 4).map(([, env]) => run(env, 70_000)))));
    }
    busy.close();
    for (const [index, [name, , pattern]] of cases.entries()) {
      const result = results[index]!;
      // A hang is killed after 70 s (exit code null), so this also proves none hangs.
      expect(result.code, `${name} (${result.ms} ms): ${result.stderr}`).toBe(1);
      expect(result.stderr.split('\n'), `${name}: ${result.stderr}`).toHaveLength(1);
      expect(result.stderr, name).toMatch(pattern);
      expect(result.stderr, name).not.toMatch(/\n\s+at /);
    }
  }, 240_000);
});

describe('issue 13 item 14: npm start forwards SIGTERM to Pulse', () => {
  it('kill <pid of npm> stops node and frees the port and the database directory', async () => {
    const dir = tempDir();
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: String(port), PGLITE_DIR: dir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(npm);
    let stdout = '';
    npm.stdout?.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes(`Sandbox: http://localhost:${port}`) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const pid = Number(/"pid":(\d+)/.exec(stdout)?.[1]);
    expect(pid).not.toBe(npm.pid);

    npm.kill('SIGTERM');
    await exited;
    const stopBy = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < stopBy) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
    expect(stdout).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 90_000);
});

describe('issue 13 item 13: two processes on a fresh directory', () => {
  it('exactly one wins, in each of 10 trials', async () => {
    const outcomes: string[][] = [];
    for (let trial = 0; trial < 10; trial++) {
      const dir = join(tempDir(), 'pglite');
      const startAt = String(Date.now() + 2500);
      const contenders = [0, 1].map(
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(
              process.execPath,
              ['--import', 'tsx', 'tests/helpers/lock-contender.ts', dir, '1500', startAt],
              { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
            );
            children.push(child);
            let out = '';
            child.stdout?.on('data', (chunk) => (out += chunk));
            child.on('exit', () => resolve(out.trim()));
          }),
      );
      outcomes.push((await Promise.all(contenders)).sort());
    }
    expect(outcomes).toEqual(Array(10).fill(['LOCKED', 'WON']));
  }, 120_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
