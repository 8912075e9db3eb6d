/**
 * What the Slack and Zalo adapters cost next to Telegram, measured in one run (ratios, since
 * machines are noisy):
 *  1. checking a Slack request signature vs a bare HMAC of the same body;
 *  2. a Zalo DM reply read as a numbered choice (a database lookup, then a button press) vs a
 *     Telegram button press, and vs a plain Telegram DM message, through the core's event handler;
 *  3. signed Slack Events API requests over HTTP vs Telegram webhook updates, until processed.
 * Embedded PGlite, in memory.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createPulseEventHandler } from '../../bot/features';
import type { ChatRef, InboundEvent, UserRef } from '../../bot/kernel/types';
import { checkSlackSignature } from '../../bot/platforms/slack/signature';
import type { ButtonHandler } from '../../bot/runtime/types';
import { startFakeSlack } from '../fakes/slack-server';
import { startFakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import { createHarness } from '../helpers/harness';
import { freePort } from '../helpers/net';
import { RecordingMessenger } from '../helpers/recording-messenger';

interface Row {
  what: string;
  n: number;
  ms: number;
  baseline: number;
}

async function time(n: number, step: (i: number) => Promise<void> | void): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await step(i);
  return performance.now() - started;
}

function print(rows: Row[]): void {
  console.log('| measured | n | per op | ops/s | ratio to baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const per = row.ms / row.n;
    const ratio = row.baseline ? (row.ms / row.baseline).toFixed(2) : '1.00 (baseline)';
    console.log(
      `| ${row.what} | ${row.n} | ${per < 0.01 ? `${(per * 1000).toFixed(2)} µs` : `${per.toFixed(2)} ms`} | ${Math.round(
        (row.n / row.ms) * 1000,
      )} | ${ratio} |`,
    );
  }
}

async function signatures(): Promise<Row[]> {
  const n = 50_000;
  const secret = 'benchsigningsecret0123456789abcd';
  const body = JSON.stringify({ type: 'event_callback', event: { type: 'message', text: 'x'.repeat(300) } });
  const now = new Date();
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  await time(5_000, () => void createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex'));
  await time(
    5_000,
    () => void checkSlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, now }),
  );
  const bare = await time(
    n,
    () => void createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex'),
  );
  const checked = await time(n, () => {
    if (checkSlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, now }) !== 'ok') {
      throw new Error('signature');
    }
  });
  return [
    { what: 'bare HMAC-SHA256 of a 0.3 kB body', n, ms: bare, baseline: 0 },
    { what: 'Slack signature check (HMAC + window + constant-time compare)', n, ms: checked, baseline: bare },
  ];
}

async function numberedReplies(): Promise<Row[]> {
  const n = 200;
  const database = await createTestDatabase();
  const zalo = new RecordingMessenger('zalo', {
    buttons: false,
    groups: false,
    edit: false,
    ephemeral: false,
    maxTextLength: 2000,
  });
  const harness = createHarness(database, {}, [zalo]);
  const noop: ButtonHandler = { prefix: 'b', handle: (ctx) => ctx.answer('ok') };
  const handle = createPulseEventHandler(harness.deps, { buttons: [noop] });
  const tg: UserRef = { platform: 'telegram', externalId: '7', displayName: 'Lan' };
  const tgDm: ChatRef = { platform: 'telegram', externalId: '7', kind: 'dm' };
  const zl: UserRef = { platform: 'zalo', externalId: 'z7', displayName: 'Lan' };
  const zlDm: ChatRef = { platform: 'zalo', externalId: 'z7', kind: 'dm' };
  let id = 0;
  const event = (e: InboundEvent): InboundEvent => ({ ...e, updateId: `u${++id}` });
  await handle(event({ kind: 'message', chat: tgDm, from: tg, text: 'warm up' }));
  await harness.deps.messenger.sendDm(zl, {
    text: 'Khảo sát',
    buttons: [[1, 2, 3, 4].map((i) => ({ label: `Lựa chọn ${i}`, data: `b:${i}` }))],
  });
  await handle(event({ kind: 'message', chat: zlDm, from: zl, text: '1' }));

  const scenarios = {
    plain: () => handle(event({ kind: 'message', chat: tgDm, from: tg, text: 'xin chào' })),
    press: () => handle(event({ kind: 'button', chat: tgDm, from: tg, data: 'b:2', pressId: `p${id}` })),
    numbered: () => handle(event({ kind: 'message', chat: zlDm, from: zl, text: '2' })),
    byLabel: () => handle(event({ kind: 'message', chat: zlDm, from: zl, text: 'lua chon 3' })),
    miss: () => handle(event({ kind: 'message', chat: zlDm, from: zl, text: 'cảm ơn' })),
  };
  type Scenario = keyof typeof scenarios;
  const best = { plain: Infinity, press: Infinity, numbered: Infinity, byLabel: Infinity, miss: Infinity };
  for (const name of Object.keys(scenarios) as Scenario[]) await time(50, scenarios[name]);
  // Rounds interleave the scenarios, and the best round counts: noise only ever adds time.
  for (let round = 0; round < 3; round++) {
    for (const name of Object.keys(scenarios) as Scenario[]) {
      best[name] = Math.min(best[name], await time(n, scenarios[name]));
    }
  }
  const { plain, press, numbered, byLabel, miss } = best;
  await database.destroy();
  return [
    { what: 'Telegram DM message (baseline)', n, ms: plain, baseline: 0 },
    { what: 'Telegram button press', n, ms: press, baseline: plain },
    { what: 'Zalo reply "2" → button press', n, ms: numbered, baseline: plain },
    { what: 'Zalo reply by label → button press', n, ms: byLabel, baseline: plain },
    { what: 'Zalo DM text that is no choice', n, ms: miss, baseline: plain },
  ];
}

async function ingestion(): Promise<Row[]> {
  const n = 300;
  const database = await createTestDatabase();
  const telegram = await startFakeTelegram();
  const slack = await startFakeSlack({ token: 'xoxb-bench', users: [{ id: 'ULAN', name: 'lan' }] });
  const port = await freePort();
  const secret = 'benchsigningsecret0123456789abcd';
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: '123456:TEST-token-for-the-fake-server',
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
    TELEGRAM_WEBHOOK_SECRET: 'bench_secret',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
  });
  const app = await startPulse({
    config,
    database,
    clock: new FakeClock(new Date()),
    logger: pino({ level: 'silent' }),
  });
  slack.connect(`http://127.0.0.1:${port}/slack/events`, secret);
  const processed = async (platform: string) => {
    const [row] = await database.query<{ count: number }>(
      sql`select count(*)::int as count from processed_updates where platform = ${platform}`,
    );
    return Number(row?.count ?? 0);
  };
  const until = async (platform: string, count: number) => {
    while ((await processed(platform)) < count) await new Promise((resolve) => setTimeout(resolve, 2));
  };

  const telegramMs = await time(n, async (i) => {
    const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'bench_secret' },
      body: JSON.stringify({
        update_id: 500_000 + i,
        message: {
          message_id: i + 1,
          date: 0,
          chat: { id: 7, type: 'private', first_name: 'Lan' },
          from: { id: 7, is_bot: false, first_name: 'Lan' },
          text: `tin nhắn ${i}`,
        },
      }),
    });
    await response.text();
  });
  await until('telegram', n);
  const slackStarted = performance.now();
  for (let i = 0; i < n; i++) {
    await slack.message(
      { user: 'ULAN', channel: 'DULAN', text: `tin nhắn ${i}` },
      { eventId: `EvBench${i}` },
    );
  }
  await until('slack', n);
  const slackMs = performance.now() - slackStarted;
  await app.stop();
  await telegram.stop();
  await slack.stop();
  await database.destroy();
  return [
    { what: 'Telegram webhook update, answered after processing (baseline)', n, ms: telegramMs, baseline: 0 },
    { what: 'signed Slack event over HTTP, until processed', n, ms: slackMs, baseline: telegramMs },
  ];
}

export async function run(): Promise<void> {
  console.log('Slack and Zalo adapters (PGlite in memory; one process)');
  print([...(await signatures()), ...(await numberedReplies()), ...(await ingestion())]);
}
