import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { close, createHttpServer, listen } from '../../bot/runtime/http/server';
import { PlatformHealth } from '../../bot/runtime/platform-health';

const servers: ReturnType<typeof createHttpServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

async function serve(ready: () => Promise<void>, registry = new Registry()) {
  const server = createHttpServer({
    routes: () => [],
    ready,
    metrics: registry,
    logger: pino({ level: 'silent' }),
  });
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
}

describe('issue 13 item 3: /readyz', () => {
  it('answers 503 within 1 s when the database probe hangs', async () => {
    const base = await serve(() => new Promise(() => {}));
    const started = Date.now();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'readiness probe timed out' });
  });

  it('names the platform that is down, and recovers; /metrics shows pulse_platform_up', async () => {
    const registry = new Registry();
    const health = new PlatformHealth(registry, pino({ level: 'silent' }));
    const base = await serve(async () => health.check(), registry);
    health.up('telegram');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    health.down('telegram', new Error("Network request for 'getUpdates' failed!"));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect((await res.json()).reason).toBe("telegram unreachable: Network request for 'getUpdates' failed!");
    expect(await (await fetch(`${base}/metrics`)).text()).toContain(
      'pulse_platform_up{platform="telegram"} 0',
    );
    health.up('telegram');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
