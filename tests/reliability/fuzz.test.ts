import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { signSlackRequest } from '../../bot/platforms/slack/signature';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  type Json,
  mutate,
  random,
  slackEventBases,
  slackInteractivityBases,
  telegramBases,
} from './fuzz-corpus';

/**
 * The fuzzed-update corpus (issue 13, Tests): hundreds of seeded malformed and odd updates against
 * the Telegram webhook and the Slack receiver (signed events and interactivity) of one running
 * Pulse. The process stays alive, each update gets the status its shape calls for — never a 500 —,
 * no promise rejection escapes, and a valid update sent after the corpus is still answered.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 13);
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const TELEGRAM_TOKEN = '123456:TEST-token-for-the-fuzz-corpus';
const TELEGRAM_SECRET = 'tg_secret_fuzz';
const SLACK_TOKEN = 'xoxb-fuzz-corpus';
const SLACK_SECRET = 'fuzzsigningsecret0123456789abcd';
const LAN = { id: 'ULAN', name: 'lan', real_name: 'Trần Thị Lan', display_name: 'Lan' };

let database: TestDatabase;
let telegram: FakeTelegram;
let slack: FakeSlack;
let app: PulseApp;
let port: number;
const clock = new FakeClock(new Date());
const problems: unknown[] = [];
const onProblem = (reason: unknown) => problems.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  database = await createTestDatabase();
  telegram = await startFakeTelegram();
  slack = await startFakeSlack({ token: SLACK_TOKEN, users: [LAN] });
  slack.addChannel('C0CB1', 'chi-bo-1');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/telegram/hook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: slack.apiUrl,
  });
  app = await startPulse({
    config,
    database,
    clock,
    logger: pino({ level: process.env.FUZZ_LOG ?? 'silent' }),
  });
  port = app.port;
  slack.connect(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
});
afterAll(async () => {
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
  await app.stop();
  await Promise.all([telegram.stop(), slack.stop()]);
  await database.destroy();
});

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

function slackPost(body: string, contentType: string) {
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  return post('/slack/events', body, {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(SLACK_SECRET, timestamp, body),
  });
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Telegram: an object with an integer update_id is taken (200, handled or ignored); else 400. */
function telegramExpected(update: Json): number {
  if (!isObject(update)) return 400;
  const id = (update as Record<string, unknown>).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? 200 : 400;
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('fuzzed updates: Telegram webhook', () => {
  it(`${CASES} seeded malformed updates: no 500, the right status each, then /whoami still answered`, async () => {
    const next = random(SEED);
    const bases = telegramBases();
    const statuses: number[] = [];
    for (let i = 0; i < CASES; i++) {
      const base = { update_id: 500_000 + i, ...(bases[i % bases.length] as Record<string, Json>) };
      // Now and then the update itself is the odd value (its id, or the whole body).
      const update = i % 25 === 7 ? mutate({ wrap: base }, next) : mutate(base, next);
      const body = JSON.stringify(i % 25 === 7 ? ((update as Record<string, Json>).wrap ?? update) : update);
      const status = await post('/telegram/hook', body, {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': TELEGRAM_SECRET,
      });
      statuses.push(status);
      expect(status, `case ${i} (seed ${SEED}): ${body.slice(0, 300)}`).toBe(
        telegramExpected(JSON.parse(body)),
      );
    }
    console.info(`fuzz telegram: ${CASES} cases, statuses ${JSON.stringify(tally(statuses))}`);
    const since = telegram.calls.length;
    const whoami = {
      update_id: 900_001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4343, type: 'private', first_name: 'Hoa' },
        from: { id: 4343, is_bot: false, first_name: 'Hoa' },
        text: '/whoami',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
      },
    };
    expect(
      await post('/telegram/hook', JSON.stringify(whoami), {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': TELEGRAM_SECRET,
      }),
    ).toBe(200);
    const reply = await telegram.waitFor(
      (c) => c.method === 'sendMessage' && Number(c.body.chat_id) === 4343 && c.status === 200,
      { since, timeoutMs: 5000 },
    );
    expect(String(reply.body.text)).toContain('Bạn là Hoa');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('fuzzed updates: Slack events and interactivity, signed', () => {
  it(`${CASES} seeded malformed events and ${CASES} interactivity payloads: no 500, then /pulse whoami still answered`, async () => {
    const next = random(SEED + 1);
    const events = slackEventBases();
    const actions = slackInteractivityBases();
    const statuses: number[] = [];
    for (let i = 0; i < CASES; i++) {
      const event = mutate(
        { ...(events[i % events.length] as Record<string, Json>), event_id: `EvFuzz${i}` },
        next,
      );
      const raw = i % 30 === 11 ? JSON.stringify(event).slice(0, -1) : JSON.stringify(event);
      const status = await slackPost(raw, 'application/json');
      statuses.push(status);
      const expected = i % 30 === 11 ? 400 : 200;
      expect(status, `event ${i} (seed ${SEED + 1}): ${raw.slice(0, 300)}`).toBe(expected);
    }
    for (let i = 0; i < CASES; i++) {
      const payload = mutate(actions[i % actions.length]!, next);
      const json = i % 30 === 13 ? '[1,2' : JSON.stringify(payload);
      const raw = new URLSearchParams({ payload: json }).toString();
      const status = await slackPost(raw, 'application/x-www-form-urlencoded');
      statuses.push(status);
      const expected = i % 30 === 13 || !isObject(payload) ? 400 : 200;
      expect(status, `interactivity ${i} (seed ${SEED + 1}): ${json.slice(0, 300)}`).toBe(expected);
    }
    console.info(`fuzz slack: ${2 * CASES} cases, statuses ${JSON.stringify(tally(statuses))}`);
    const since = slack.deliveries.length;
    expect(await slack.slashCommand({ user: LAN.id, channel: 'C0CB1', text: 'whoami' })).toBe(200);
    const answer = await slack.waitForDelivery((d) => d.kind === 'ephemeral' && d.user === LAN.id, {
      since,
    });
    expect(answer.text).toContain('Lan');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(problems).toEqual([]);
  }, 180_000);
});
