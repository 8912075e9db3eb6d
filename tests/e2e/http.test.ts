import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let database: TestDatabase;
let app: PulseApp;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ PORT: '0', PGLITE_DIR: 'memory://', SANDBOX: 'on' });
  app = await startPulse({ config, database, clock: new FakeClock(), logger: pino({ level: 'silent' }) });
  base = `http://127.0.0.1:${app.port}`;
});
afterAll(async () => {
  await app.stop();
  await database.destroy();
});

describe('operations endpoints', () => {
  it('/healthz and /readyz answer', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({
      status: 'ready',
      database: 'ok',
      platforms: { sandbox: 'up' },
    });
  });

  it('/readyz says 503 when the database is gone, while /healthz stays up', async () => {
    const other = await createTestDatabase();
    const config = loadConfig({ PORT: '0', PGLITE_DIR: 'memory://', SANDBOX: 'off' });
    const second = await startPulse({
      config,
      database: other,
      clock: new FakeClock(),
      logger: pino({ level: 'silent' }),
    });
    await other.destroy();
    const url = `http://127.0.0.1:${second.port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await second.stop();
  });

  it('/metrics counts updates by platform and kind', async () => {
    await fetch(`${base}/sandbox/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ persona: 'ha', chat: 'dm:ha', text: '/help' }),
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/pulse_updates_total\{platform="sandbox",kind="command"\} 1/);
    expect(text).toContain('pulse_update_handle_seconds_bucket');
  });

  it('unknown paths get 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
