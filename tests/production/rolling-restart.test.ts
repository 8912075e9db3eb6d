import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  type Balancer,
  clusterEnv,
  type PulseProcess,
  startBalancer,
  startPulseProcess,
} from '../helpers/pulse-cluster';

/**
 * Issue 15, "Tests and figures": a rolling restart of three Pulse processes (Telegram webhook
 * mode, one PostgreSQL, behind a health-checked round-robin balancer) under steady traffic loses
 * no update and handles none twice. Each update is a /whoami from its own user, so its effect is
 * one reply in that user's chat. The fake Bot API retries a failed webhook delivery as Telegram
 * does; the balancer fails a refused or cut request over to the next live process
 * (docs/deployment.md, "Rolling restart"). PostgreSQL only, on a database of its own.
 */
const POSTGRES = process.env.TEST_DATABASE_URL;
if (!POSTGRES) console.warn('production/rolling-restart: skipped — set TEST_DATABASE_URL to run it');

const SECOND = 1000;
const EVERY_MS = 50;

let database: TestDatabase;
let fake: FakeTelegram;
let traffic: ReturnType<typeof setInterval> | undefined;
let balancer: Balancer;
const processes: PulseProcess[] = [];

beforeAll(async () => {
  if (!POSTGRES) return;
  database = await createTestDatabase();
  // Telegram keeps retrying an update it could not deliver; 200 ms apart here.
  fake = await startFakeTelegram({ webhookAttempts: 100, webhookRetryDelayMs: 200, webhookConnections: 40 });
  balancer = await startBalancer({ checkEveryMs: 200 });
}, 60_000);
afterAll(async () => {
  clearInterval(traffic);
  for (const pulse of processes) pulse.child.kill('SIGKILL');
  await Promise.all(processes.map((pulse) => pulse.exited));
  await balancer?.stop();
  await fake?.stop();
  await database?.destroy();
});

const USER_BASE = 700_000;
const repliesTo = (userId: number) =>
  fake.calls.filter(
    (call) => call.method === 'sendMessage' && call.status === 200 && Number(call.body.chat_id) === userId,
  ).length;

describe.skipIf(!POSTGRES)('a rolling restart of three processes behind a load balancer', () => {
  it('restarting each process in turn under steady webhook traffic loses no update and handles none twice', async () => {
    const env = clusterEnv({ databaseUrl: database.url!, apiRoot: fake.apiRoot, balancerUrl: balancer.url });
    processes.push(...(await Promise.all([0, 1, 2].map(() => startPulseProcess(env)))));
    for (const pulse of processes) balancer.add(pulse);

    // Steady traffic: a /whoami from a new user every EVERY_MS, for as long as the restart takes.
    let sent = 0;
    traffic = setInterval(() => {
      const id = USER_BASE + sent++;
      fake.message({ chatId: id, from: { id, first_name: `Công nhân ${id}` }, text: '/whoami' });
    }, EVERY_MS);
    await fake.waitUntil(() => sent >= 25 && repliesTo(USER_BASE) === 1, {
      timeoutMs: 20 * SECOND,
      what: 'the first replies',
    });

    const restarts: string[] = [];
    for (let i = 0; i < processes.length; i++) {
      const old = processes[i]!;
      const began = Date.now();
      // SIGTERM: the process stops taking requests, finishes those in flight, then exits.
      old.child.kill('SIGTERM');
      const stopped = Promise.race([
        old.exited,
        new Promise<never>((_, reject) =>
          setTimeout(
            () =>
              reject(
                new Error(
                  `process ${i} did not stop within 25 s of SIGTERM: ${old.stderr().slice(-2000)}${old.log()}`,
                ),
              ),
            25 * SECOND,
          ).unref(),
        ),
      ]);
      const [code, fresh] = await Promise.all([stopped, startPulseProcess(env)]);
      expect(code).toBe(0);
      balancer.remove(old);
      balancer.add(fresh);
      processes[i] = fresh;
      restarts.push(`${((Date.now() - began) / SECOND).toFixed(1)} s`);
    }
    await new Promise((r) => setTimeout(r, 2 * SECOND));
    clearInterval(traffic);

    // Every update handled exactly once: one reply per user, none missing, none doubled.
    const total = sent;
    await fake.waitUntil(() => repliesTo(USER_BASE + total - 1) >= 1, {
      timeoutMs: 30 * SECOND,
      what: 'the last reply',
    });
    await new Promise((r) => setTimeout(r, SECOND));
    const missing: number[] = [];
    const doubled: number[] = [];
    for (let i = 0; i < total; i++) {
      const n = repliesTo(USER_BASE + i);
      if (n === 0) missing.push(USER_BASE + i);
      if (n > 1) doubled.push(USER_BASE + i);
    }
    const retried = fake.webhookDeliveries.filter((delivery) => delivery.attempt > 1).length;
    console.info(
      `[rolling-restart] ${total} updates over 3 restarts (${restarts.join(', ')}): ${missing.length} lost, ${doubled.length} handled twice; ` +
        `${balancer.failovers} requests failed over by the balancer, ${retried} deliveries retried by the fake Telegram`,
    );
    expect(missing).toEqual([]);
    expect(doubled).toEqual([]);
  }, 150_000);
});
