/**
 * Start-up time: from spawning the process to the first 200 of GET /healthz, for
 *  1. a bare grammY bot with an HTTP server (the baseline, tests/bench/fixtures/bare-grammy.mjs);
 *  2. Pulse's production command `node dist/bot/main.js` on an existing PGlite database and on a
 *     fresh (empty) PGLITE_DIR;
 *  3. the same through tsx (`npm run start:tsx`), as `npm start` ran before the build existed;
 *  4. `node dist/bot/main.js` on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 *     local server), an existing migrated database and a fresh one, when the server answers.
 * No platform token, no sandbox. Builds dist/ first when it is stale. Best and median of a few runs
 * each, interleaved so that a burst of load hits every variant alike.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freePort } from '../helpers/net';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.START_BENCH_RUNS ?? 5);

/**
 * Milliseconds from spawn to the first 200 of /healthz (the process is up) and of /readyz (the
 * database is open and migrated, Pulse is serving); then stops the process with SIGTERM.
 */
export async function timeToHealthz(
  args: string[],
  env: Record<string, string>,
): Promise<{ healthz: number; readyz: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', SANDBOX: 'off', LOG_LEVEL: 'error', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const firstOk = async (path: string) => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr.slice(0, 500)}`);
      if (performance.now() - started > 60_000) throw new Error(`no ${path} within 60 s`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        if (response.ok) return performance.now() - started;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    const healthz = await firstOk('/healthz');
    return { healthz, readyz: await firstOk('/readyz') };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

export async function run(): Promise<void> {
  const loadBefore = load();
  const { build, isStale } = (await import(new URL('../../scripts/build.mjs', import.meta.url).href)) as {
    build(options: { quiet: boolean }): Promise<void>;
    isStale(): boolean;
  };
  if (isStale()) await build({ quiet: true });
  const work = mkdtempSync(join(tmpdir(), 'pulse-start-bench-'));
  const existingDir = join(work, 'existing');
  await timeToHealthz(['dist/bot/main.js'], { PGLITE_DIR: existingDir }); // makes the existing database
  await timeToHealthz(['dist/bot/main.js'], { PGLITE_DIR: existingDir }); // warms the file cache
  const pg = await postgresDatabases();
  const variants: {
    what: string;
    args: string[];
    dir?: () => string;
    env?: () => Promise<Record<string, string>>;
  }[] = [
    { what: 'bare grammY bot + HTTP server', args: ['tests/bench/fixtures/bare-grammy.mjs'] },
    { what: 'node dist/bot/main.js, existing PGlite', args: ['dist/bot/main.js'], dir: () => existingDir },
    {
      what: 'node dist/bot/main.js, fresh PGlite',
      args: ['dist/bot/main.js'],
      dir: () => mkdtempSync(join(work, 'fresh-')),
    },
    {
      what: 'tsx bot/main.ts, existing PGlite',
      args: ['--import', 'tsx', 'bot/main.ts'],
      dir: () => existingDir,
    },
    {
      what: 'tsx bot/main.ts, fresh PGlite (initdb)',
      args: ['--import', 'tsx', 'bot/main.ts'],
      dir: () => mkdtempSync(join(work, 'fresh-tsx-')),
    },
  ];
  if (pg) {
    await timeToHealthz(['dist/bot/main.js'], { DATABASE_URL: await pg.existing() }); // migrates it
    variants.push(
      {
        what: 'node dist/bot/main.js, existing PostgreSQL',
        args: ['dist/bot/main.js'],
        env: async () => ({ DATABASE_URL: await pg.existing() }),
      },
      {
        what: 'node dist/bot/main.js, fresh PostgreSQL database',
        args: ['dist/bot/main.js'],
        env: async () => ({ DATABASE_URL: await pg.fresh() }),
      },
    );
  }
  const times = new Map<string, { healthz: number; readyz: number }[]>(
    variants.map((variant) => [variant.what, []]),
  );
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const variant of variants) {
        const env = variant.env ? await variant.env() : variant.dir ? { PGLITE_DIR: variant.dir() } : {};
        times.get(variant.what)!.push(await timeToHealthz(variant.args, env));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await pg?.drop();
  }
  const of = (what: string, key: 'healthz' | 'readyz') => times.get(what)!.map((time) => time[key]);
  const baseline = median(of(variants[0]!.what, 'healthz'));
  console.log(`runs: ${RUNS} each; load average (1, 5, 15 min) at the end: ${loadBefore} → ${load()}`);
  console.log(
    '| start to | /healthz best | /healthz median | /readyz best | /readyz median | /healthz median ratio to bare grammY |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const variant of variants) {
    const healthz = of(variant.what, 'healthz');
    const readyz = of(variant.what, 'readyz');
    const ms = (value: number) => `${Math.round(value)} ms`;
    console.log(
      `| ${variant.what} | ${ms(Math.min(...healthz))} | ${ms(median(healthz))} | ${ms(Math.min(...readyz))} | ${ms(median(readyz))} | ${(median(healthz) / baseline).toFixed(2)} |`,
    );
  }
}

/** Databases on the PostgreSQL server for the PostgreSQL variants; undefined when none answers. */
async function postgresDatabases() {
  const server =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(server, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`select 1`;
  } catch {
    await admin.end();
    console.log('PostgreSQL variants skipped: no server at', server);
    return undefined;
  }
  const made: string[] = [];
  const create = async () => {
    const name = `pulse_start_bench_${process.pid}_${made.length}`;
    await admin.unsafe(`create database ${name}`);
    made.push(name);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  };
  let existing: string | undefined;
  return {
    existing: async () => (existing ??= await create()),
    fresh: create,
    drop: async () => {
      for (const name of made) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
