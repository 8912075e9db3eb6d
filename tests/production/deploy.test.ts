import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net';

const ROOT = new URL('../../', import.meta.url).pathname;
const prefix = mkdtempSync(join(tmpdir(), 'pulse-install-'));
afterAll(() => rmSync(prefix, { recursive: true, force: true }));
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function install(): string {
  return execFileSync(
    'bash',
    [
      'deploy/install.sh',
      '--prefix',
      prefix,
      '--user',
      userInfo().username,
      '--systemd-dir',
      join(prefix, 'systemd'),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, PULSE_NPM: 'skip' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

describe('issue 15 item 4: the install script and the systemd unit', () => {
  it('installs into a prefix, keeps the settings on upgrade, and the installed build answers /readyz', async () => {
    const out = install();
    expect(out).toMatch(/Pulse \d+\.\d+\.\d+ is .*\/current/);
    const current = join(prefix, 'current');
    expect(existsSync(join(current, 'dist/bot/main.js'))).toBe(true);
    expect(existsSync(join(current, 'dist/db/pglite-template/PG_VERSION'))).toBe(true);
    expect(existsSync(join(current, 'tests'))).toBe(false);
    const env = join(prefix, 'etc/pulse.env');
    expect(readFileSync(env, 'utf8')).toContain(`PGLITE_DIR=${prefix}/data/pglite`);
    const unit = readFileSync(join(prefix, 'systemd/pulse.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} ${prefix}/current/dist/bot/main.js`);
    expect(unit).not.toContain('@');

    // An upgrade: a new release, the operator's settings untouched, `current` switched.
    writeFileSync(env, `${readFileSync(env, 'utf8')}\n# edited by the operator\n`);
    const first = readlinkSync(current);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // release names are per second
    install();
    expect(readlinkSync(current)).not.toBe(first);
    expect(readFileSync(env, 'utf8')).toContain('# edited by the operator');

    // The production command from the installed tree, on the prefix's data directory.
    const port = await freePort();
    const child = spawn(process.execPath, [join(current, 'dist/bot/main.js')], {
      cwd: current,
      env: {
        PATH: process.env.PATH,
        PGLITE_DIR: join(prefix, 'data/pglite'),
        PORT: String(port),
        SANDBOX: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      let ok = false;
      for (let i = 0; i < 600 && !ok; i++) {
        // /readyz: the database is open and migrated (/healthz answers before it is).
        ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ok).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    expect(existsSync(join(prefix, 'data/pglite/PG_VERSION'))).toBe(true);
  }, 120_000);

  it.skipIf(!hasSystemdAnalyze)('the rendered unit passes systemd-analyze verify', () => {
    const unit = join(prefix, 'systemd/pulse.service');
    expect(existsSync(unit)).toBe(true);
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    const problems = `${result.stdout}${result.stderr}`
      .split('\n')
      // Not about the unit: this machine (a container) runs no systemd as PID 1.
      .filter((line) => line.trim() && !/Failed to|System has not been booted|not running|bus/i.test(line));
    expect(problems).toEqual([]);
    expect(result.status).toBe(0);
  });
});
