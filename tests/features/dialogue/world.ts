import { Writable } from 'node:stream';
import pino from 'pino';
import { type PulseApp, startPulse } from '../../../bot/app';
import { loadConfig } from '../../../bot/config';
import { applyScenario } from '../../../scenarios/engine';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { FakeTelegram } from '../../fakes/telegram-server';
import type { FakeClock } from '../../helpers/clock';
import type { TestDatabase } from '../../helpers/db';
import { FAST_RATES } from '../../helpers/rates';
import { TELEGRAM_TEST_TOKEN } from '../../helpers/telegram-app';

/** Telegram ids chosen so that a leak into a log or a row is easy to spot. */
export const ADMIN = { id: 7100001, first_name: 'Quản trị' };
export const LEADER = { id: 7100002, first_name: 'Bí thư' };
export const LEADER2 = { id: 7100003, first_name: 'Bí thư CB2' };
export const WORKERS = Array.from({ length: 10 }, (_, i) => ({
  id: 7200010 + i,
  first_name: `Thợ ${i + 1}`,
}));
export const STRANGER = { id: 7300001, first_name: 'Người CB2' };
export const CB1_GROUP = -1001;
export const CB2_GROUP = -1002;

const WORKER_LINES = WORKERS.map(
  (w, i) => `  - key: w${i}
    name: ${w.first_name}
    identities: { telegram: "${w.id}" }
    roles: [{ role: worker, unit: CB1 }]`,
).join('\n');

export const WORLD = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - { code: CB1, name: Chi bộ 1 }
      - { code: CB2, name: Chi bộ 2 }
people:
  - key: admin
    name: Quản trị
    identities: { telegram: "${ADMIN.id}" }
    roles: [{ role: admin, unit: CTY }]
  - key: leader
    name: Bí thư
    identities: { telegram: "${LEADER.id}" }
    roles: [{ role: leader, unit: CB1 }]
  - key: leader2
    name: Bí thư CB2
    identities: { telegram: "${LEADER2.id}" }
    roles: [{ role: leader, unit: CB2 }]
  - key: stranger
    name: Người CB2
    identities: { telegram: "${STRANGER.id}" }
    roles: [{ role: worker, unit: CB2 }]
${WORKER_LINES}
chats:
  - { platform: telegram, id: "${CB1_GROUP}", title: Nhóm Chi bộ 1, unit: CB1 }
  - { platform: telegram, id: "${CB2_GROUP}", title: Nhóm Chi bộ 2, unit: CB2 }
`;

export async function applyWorld(database: TestDatabase, now: Date): Promise<void> {
  const parsed = parseScenario(WORLD, 'world.yaml');
  if (!parsed.ok) throw new Error(formatErrors(parsed.errors));
  const plan = await applyScenario(database.db, parsed.scenario, { now, timezone: 'Asia/Ho_Chi_Minh' });
  if (plan.problems.length) throw new Error(JSON.stringify(plan.problems));
}

/** Every log line Pulse writes at info level or above, as text. */
export class LogSink {
  lines: string[] = [];
  stream = new Writable({
    write: (chunk, _encoding, done) => {
      this.lines.push(String(chunk));
      done();
    },
  });
  text(): string {
    return this.lines.join('');
  }
}

/** Pulse on the fake Telegram with a fake clock and a logger that keeps its info lines. */
export function startApp(
  database: TestDatabase,
  fake: FakeTelegram,
  clock: FakeClock,
  logs: LogSink,
  env: Record<string, string> = {},
): Promise<PulseApp> {
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...FAST_RATES,
    ...env,
  });
  return startPulse({ config, database, clock, logger: pino({ level: 'info' }, logs.stream) });
}

export const sendsTo = (chatId: number) => (call: { method: string; body: Record<string, unknown> }) =>
  call.method === 'sendMessage' && Number(call.body.chat_id) === chatId;

/** Sends a message as `from` and waits for Pulse's reply in that chat; returns its text. */
export async function say(
  fake: FakeTelegram,
  from: { id: number; first_name: string },
  text: string,
  chatId: number = from.id,
  replyTo?: number,
): Promise<string> {
  const since = fake.calls.length;
  fake.message({ chatId, chatType: chatId < 0 ? 'supergroup' : 'private', from, text, replyTo });
  const call = await fake.waitFor(sendsTo(chatId), { since });
  return String(call.body.text);
}

/** Taps a button as `from` and returns the toast text. */
export async function tap(
  fake: FakeTelegram,
  from: { id: number; first_name: string },
  chatId: number,
  messageId: number,
  data: string,
): Promise<string> {
  const id = fake.callback({ chatId, messageId, from, data });
  await fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === id);
  return String(fake.callbackAnswers.find((a) => a.callback_query_id === id)?.text ?? '');
}
