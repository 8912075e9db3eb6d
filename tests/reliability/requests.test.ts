import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { UNSIGNED_BODY_LIMIT } from '../../bot/platforms/slack/receiver';
import { signSlackRequest } from '../../bot/platforms/slack/signature';
import { BODY_LIMITS } from '../../bot/runtime/http/router';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { type FakeZalo, startFakeZalo } from '../fakes/zalo-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { rawRequest } from '../helpers/raw-http';

const TELEGRAM_TOKEN = '123456:TEST-token-for-requests-corpus';
const SLACK_TOKEN = 'xoxb-requests-corpus';
const SLACK_SECRET = 'corpussecret123';
const ZALO_TOKEN = '111:zalocorpus';
const TELEGRAM_SECRET = 'tg_secret_corpus';
const ZALO_SECRET = 'zalo_secret_corpus';

let database: TestDatabase;
let telegram: FakeTelegram;
let slack: FakeSlack;
let zalo: FakeZalo;
let app: PulseApp;
let port: number;
const clock = new FakeClock();
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  database = await createTestDatabase();
  telegram = await startFakeTelegram();
  slack = await startFakeSlack({ token: SLACK_TOKEN });
  zalo = await startFakeZalo({ token: ZALO_TOKEN });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    SANDBOX: 'on',
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/telegram/hook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ZALO_BOT_TOKEN: ZALO_TOKEN,
    ZALO_API_ROOT: zalo.apiRoot,
    ZALO_WEBHOOK_URL: 'http://127.0.0.1:9/zalo/hook',
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
  });
  app = await startPulse({ config, database, clock, logger: pino({ level: 'silent' }) });
  port = app.port;
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await app.stop();
  await Promise.all([telegram.stop(), slack.stop(), zalo.stop()]);
  await database.destroy();
});

const request = (head: string, body = '') =>
  `${head}\r\nHost: 127.0.0.1\r\n${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;

const slackHeaders = (body: string, timestamp = Math.floor(clock.now().getTime() / 1000)) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': signSlackRequest(SLACK_SECRET, String(timestamp), body),
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body as BodyInit,
  });
  await res.arrayBuffer();
  return res.status;
}

function parsesAsObject(body: string): boolean {
  try {
    const value = JSON.parse(body);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

const ROUTES = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/telegram/hook',
  '/slack/events',
  '/zalo/hook',
  '/sandbox',
  '/sandbox/api/personas',
  '/sandbox/api/send',
];

describe('issue 13 item 1: malformed request lines and targets', () => {
  it('answers 400 to every malformed target on every route, and keeps serving', async () => {
    for (const path of ROUTES) {
      for (const method of ['GET', 'POST']) {
        expect(await rawRequest(port, request(`${method} http://[ HTTP/1.1`)), `${method} http://[`).toBe(
          400,
        );
        expect(await rawRequest(port, request(`${method} ${path}\0x HTTP/1.1`))).toBe(400);
        expect(await rawRequest(port, request(`${method} ${path} HTTP/9.9`))).toBe(400);
        expect(await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`)).toBe(
          400,
        );
        expect(
          await rawRequest(
            port,
            `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n`,
          ),
        ).toBe(400);
        // A route that reads no body (GET /healthz) may answer before the bad chunk: never a 500.
        expect(
          await rawRequest(
            port,
            `${method} ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
          ),
        ).not.toBe(500);
      }
      expect(await rawRequest(port, request(`GET ${path}%zz%00?a=%zz HTTP/1.1`))).toBeOneOf([400, 401, 404]);
    }
    expect(await rawRequest(port, request('GET //[::1 HTTP/1.1'))).toBeOneOf([400, 404]);
    expect(await rawRequest(port, request('GET /sandbox/api/chats?persona=%E0%A4%A HTTP/1.1'))).toBeOneOf([
      400, 404,
    ]);
    expect(
      await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`),
    ).toBe(431);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/pulse_http_errors_total\{status="400"\} [1-9]\d*/);
    expect(rejections).toEqual([]);
  }, 60_000);
});

describe('issue 13 item 12: body limits per route, read before buffering', () => {
  it('refuses a declared oversized body with 413 before reading it', async () => {
    const huge = 50 * 1024 * 1024;
    const heads: Array<[string, string]> = [
      ['/telegram/hook', `X-Telegram-Bot-Api-Secret-Token: ${TELEGRAM_SECRET}\r\n`],
      ['/zalo/hook', `X-Bot-Api-Secret-Token: ${ZALO_SECRET}\r\n`],
      ['/slack/events', ''],
      ['/sandbox/api/send', ''],
    ];
    for (const [path, extra] of heads) {
      // Only the headers are sent: an answer proves nothing was waited for or buffered.
      const status = await rawRequest(
        port,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}Content-Length: ${huge}\r\n\r\n`,
      );
      expect(status, path).toBe(413);
    }
  });

  it('cuts off a chunked body past the cap with 413 (authenticated Telegram 5 MB, Zalo, sandbox)', async () => {
    const big = new Uint8Array(5 * 1024 * 1024).fill(0x61);
    const chunked = (path: string, header: string) =>
      new Promise<number | 'closed'>((resolve, reject) => {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(big);
            controller.close();
          },
        });
        fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [header.split(':')[0]!]: header.split(': ')[1]! },
          body: stream,
          duplex: 'half',
        } as RequestInit)
          .then(async (res) => {
            await res.arrayBuffer().catch(() => {});
            resolve(res.status);
          })
          .catch((error) => (String(error).includes('fetch failed') ? resolve('closed') : reject(error)));
      });
    expect(await chunked('/telegram/hook', `x-telegram-bot-api-secret-token: ${TELEGRAM_SECRET}`)).toBeOneOf([
      413,
      'closed',
    ]);
    expect(await post('/telegram/hook', big, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET })).toBe(
      413,
    );
    expect(await post('/zalo/hook', big, { 'x-bot-api-secret-token': ZALO_SECRET })).toBe(413);
    expect(await post('/sandbox/api/send', big, { origin: `http://127.0.0.1:${port}` })).toBe(413);
    // Just under the caps is read (and then judged on its content).
    const underTelegram = JSON.stringify({ update_id: 1, pad: 'a'.repeat(BODY_LIMITS.telegram - 100) });
    expect(
      await post('/telegram/hook', underTelegram, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    ).toBe(200);
  }, 30_000);

  it('does not buffer an unsigned Slack body past 4 kB, and a signed one past its cap', async () => {
    const big = 'a'.repeat(3_900_000);
    expect(await post('/slack/events', big)).toBe(413);
    expect(await post('/slack/events', 'a'.repeat(5_000))).toBe(413);
    // A stale timestamp is unsigned as far as buffering goes.
    const stale = Math.floor(clock.now().getTime() / 1000) - 3600;
    expect(await post('/slack/events', 'a'.repeat(5_000), slackHeaders('x', stale))).toBe(413);
    expect(await post('/slack/events', '{}')).toBe(401);
    const signedBig = 'a'.repeat(BODY_LIMITS.slack + 1);
    expect(await post('/slack/events', signedBig, slackHeaders(signedBig))).toBe(413);
    // 20 unsigned 3.9 MB bodies, sent slowly: each is answered after its first 4 kB, the rest never read.
    const partial = await Promise.all(
      Array.from({ length: 20 }, () =>
        rawRequest(
          port,
          `POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n${'a'.repeat(0x2000)}\r\n`,
        ),
      ),
    );
    expect(partial).toEqual(Array(20).fill(413));
  }, 60_000);
});

describe('issue 13 item 1: bodies that are not what the route expects', () => {
  it('answers 400 or 401, never 500, to garbage on every POST route', async () => {
    const garbage = [
      '',
      'null',
      '[]',
      '1',
      '"x"',
      '{',
      '{"update_id":"x"}',
      '\u0000',
      '[[[[[[[[[[',
      '{"a":'.repeat(5000),
    ];
    for (const body of garbage) {
      const label = body.slice(0, 20);
      expect(
        await post('/telegram/hook', body, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
        label,
      ).toBe(400);
      expect(await post('/telegram/hook', body), label).toBe(401);
      // An array or an object is a batch (of nothing usable here): 200; anything else: 400.
      expect(await post('/zalo/hook', body, { 'x-bot-api-secret-token': ZALO_SECRET }), label).toBe(
        parsesAsObject(body) ? 200 : 400,
      );
      expect(await post('/zalo/hook', body), label).toBe(401);
      expect(await post('/slack/events', body, slackHeaders(body)), label).toBe(
        parsesAsObject(body) && !body.startsWith('[') ? 200 : 400,
      );
      expect(await post('/slack/events', body), label).toBe(body.length > UNSIGNED_BODY_LIMIT ? 413 : 401);
      expect(await post('/sandbox/api/send', body, { origin: `http://127.0.0.1:${port}` }), label).toBe(400);
    }
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(await post('/sandbox/api/send', deep, { origin: `http://127.0.0.1:${port}` })).toBe(413);
    expect(await post('/sandbox/api/send', '{}', { origin: 'not a url' })).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(rejections).toEqual([]);
  }, 60_000);
});
