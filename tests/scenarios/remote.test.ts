import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { type Database, openDatabase } from '../../db/client';
import { directives } from '../../db/schema';
import { runScenarioCli } from '../../scenarios/cli';
import { ADMIN_FILE, ADMIN_PATH, scenarioAdminRoute } from '../../scenarios/remote';
import { FakeClock } from '../helpers/clock';

const FILE = `version: 1
units:
  - { code: CTY, name: Công ty }
directives:
  - { id: NV1, title: Nhiệm vụ một, body: Nội dung, schedule: { at: "2026-12-24T08:00" }, ack: true }
`;

let dir: string;
let database: Database;
let app: PulseApp;
let file: string;

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runScenarioCli(argv, {
    env: { PGLITE_DIR: join(dir, 'pglite'), SANDBOX: 'off' },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-remote-'));
  const config = loadConfig({
    PGLITE_DIR: join(dir, 'pglite'),
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: 'off',
  });
  database = await openDatabase(config.database);
  await database.migrate();
  const clock = new FakeClock(new Date('2026-12-01T03:00:00Z'));
  app = await startPulse({ config, database, clock, logger: pino({ level: 'silent' }) });
  file = join(dir, 'plan.yaml');
  writeFileSync(file, FILE);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  // A clean stop removes the endpoint file: a later CLI run does not knock on a Pulse that is gone.
  expect(() => readFileSync(join(dir, 'pglite', ADMIN_FILE))).toThrow();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run scenario on PGlite while Pulse runs', () => {
  it('plans and applies through the running Pulse instead of refusing', async () => {
    const plan = await cli(['plan', file]);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('sent to the running Pulse');
    expect(plan.stdout).toContain('+ directive NV1 "Nhiệm vụ một" (at 08:00 24/12/2026 Asia/Ho_Chi_Minh)');
    expect(await database.db.select().from(directives)).toEqual([]);

    const applied = await cli(['apply', file]);
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toContain('Applied 2 change(s).');
    expect((await database.db.select().from(directives)).map((d) => d.key)).toEqual(['NV1']);
    expect((await cli(['plan', file])).stdout).toContain('No changes.');
  });

  it('reports a bad file with its line and changes nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      FILE.replace('NV1', 'NV2').replace('at: "2026-12-24T08:00"', 'at: "2025-01-01T08:00"'),
    );
    const result = await cli(['apply', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.yaml:5:\d+ directives\[0\]\.schedule\.at: /);
    expect(result.stderr).toContain('nothing was applied');
    expect((await database.db.select().from(directives)).map((d) => d.key)).toEqual(['NV1']);
  });

  it('refuses a connection from another machine even with the token', async () => {
    const endpoint = JSON.parse(readFileSync(join(dir, 'pglite', ADMIN_FILE), 'utf8'));
    const route = scenarioAdminRoute({
      db: database.db,
      token: endpoint.token,
      timezone: 'Asia/Ho_Chi_Minh',
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
    });
    const req = {
      socket: { remoteAddress: '10.1.2.3' },
      headers: { authorization: `Bearer ${endpoint.token}` },
    } as unknown as IncomingMessage;
    await expect(route.handle(req, {} as ServerResponse)).rejects.toMatchObject({ status: 403 });
    expect((await database.db.select().from(directives)).map((d) => d.key)).toEqual(['NV1']);
  });

  it('refuses a request without the token of this start', async () => {
    const endpoint = JSON.parse(readFileSync(join(dir, 'pglite', ADMIN_FILE), 'utf8'));
    const body = JSON.stringify({ command: 'apply', file: 'x.yaml', text: FILE });
    const wrong = await fetch(`${endpoint.url}${ADMIN_PATH}`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token', 'content-type': 'application/json' },
      body,
    });
    expect(wrong.status).toBe(401);
    const none = await fetch(`${endpoint.url}${ADMIN_PATH}`, { method: 'POST', body });
    expect(none.status).toBe(401);
  });
});
