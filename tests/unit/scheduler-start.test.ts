import { createServer } from 'node:http';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../bot/runtime/scheduler';
import { FakeClock } from '../helpers/clock';

const logger = pino({ level: 'silent' });
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
};

describe('Scheduler at start-up', () => {
  it('answers a request between catch-up jobs instead of after all of them', async () => {
    const order: string[] = [];
    const server = createServer((_req, res) => {
      order.push('request');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const scheduler = new Scheduler({ clock: new FakeClock(), logger, timezone: 'Asia/Ho_Chi_Minh' });
    let answered: Promise<string> | undefined;
    for (let i = 0; i < 10; i++) {
      scheduler.add({
        name: `job-${i}`,
        cron: '0 3 * * *',
        run: async () => {
          // A readiness probe that arrives while the catch-up jobs run, as at start-up.
          if (i === 0) answered = fetch(`http://127.0.0.1:${port}/`).then((response) => response.text());
          busy(20);
          order.push(`job-${i}`);
        },
      });
    }
    try {
      await scheduler.runAll();
      expect(await answered).toBe('ok');
      expect(order.filter((entry) => entry.startsWith('job'))).toHaveLength(10);
      expect(order.indexOf('request')).toBeGreaterThan(0);
      expect(order.indexOf('request')).toBeLessThan(order.length - 1);
    } finally {
      server.close();
    }
  });

  it('sets up its ticks one job per turn, and a stop in between leaves none running', async () => {
    const scheduler = new Scheduler({ clock: new FakeClock(), logger, timezone: 'Asia/Ho_Chi_Minh' });
    let runs = 0;
    for (let i = 0; i < 20; i++)
      scheduler.add({ name: `tick-${i}`, cron: '* * * * * *', run: async () => void runs++ });
    scheduler.start();
    const tasks = (scheduler as unknown as { tasks: unknown[] }).tasks;
    expect(tasks).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(tasks.length).toBeGreaterThan(1);
    await scheduler.stop();
    expect(tasks).toHaveLength(0);
    const before = runs;
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(runs).toBe(before);
  });
});
