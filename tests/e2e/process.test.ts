import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net';

const ROOT = new URL('../../', import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${stdout}\n${stderr}`)), timeoutMs);
      const check = () => {
        if (pattern.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      check();
    });
  return { child, exited, waitForOutput, output: () => ({ stdout, stderr }) };
}

describe('the process', () => {
  it('starts the sandbox on a fresh embedded database and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-main-'));
    dirs.push(dir);
    const port = await freePort();
    const main = startMain({ PORT: String(port), PGLITE_DIR: dir });
    await main.waitForOutput(new RegExp(`Sandbox: http://localhost:${port}`));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(existsSync(join(dir, 'pulse.lock'))).toBe(true);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output().stdout).toContain('"msg":"stopped"');
    expect(existsSync(join(dir, 'pulse.lock'))).toBe(false);
  }, 60_000);

  it('refuses a bad setting with one line naming it', async () => {
    const main = startMain({ PORT: 'abc', PGLITE_DIR: 'memory://' });
    expect(await main.exited).toBe(1);
    expect(main.output().stderr.trim()).toBe('Config error: PORT must be a port number 0–65535');
  }, 30_000);
});
