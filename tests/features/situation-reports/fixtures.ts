import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { type PulseApp, startPulse } from '../../../bot/app';
import { loadConfig } from '../../../bot/config';
import { units } from '../../../db/schema';
import { applyScenario } from '../../../scenarios/engine';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { FakeTelegram } from '../../fakes/telegram-server';
import type { FakeClock } from '../../helpers/clock';
import type { TestDatabase } from '../../helpers/db';
import { FAST_RATES } from '../../helpers/rates';
import { TELEGRAM_TEST_TOKEN } from '../../helpers/telegram-app';

/** A company committee with three cells; each cell has a leader, CB1 also a collaborator and a worker. */
export const ORG = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - { code: CB1, name: Chi bộ Khai thác 1 }
      - { code: CB2, name: Chi bộ Đào lò }
      - { code: CB3, name: Chi bộ Cơ điện }
people:
  - { key: admin, name: Quản trị, identities: { telegram: "1" }, roles: [{ role: admin, unit: CTY }] }
  - { key: bi-thu-cty, name: Bí thư Đảng ủy, identities: { telegram: "2" }, roles: [{ role: leader, unit: CTY }] }
  - { key: bi-thu-1, name: Bí thư Một, identities: { telegram: "11" }, roles: [{ role: leader, unit: CB1 }] }
  - { key: ctv-1, name: Cộng tác viên Hà, identities: { telegram: "12" }, roles: [{ role: collaborator, unit: CB1 }] }
  - { key: bi-thu-2, name: Bí thư Hai, identities: { telegram: "21" }, roles: [{ role: leader, unit: CB2 }] }
  - { key: bi-thu-3, name: Bí thư Ba, identities: { telegram: "31" }, roles: [{ role: leader, unit: CB3 }] }
  - { key: tho-mo, name: Thợ mỏ Nam, identities: { telegram: "41" }, roles: [{ role: worker, unit: CB1 }] }
requests:
  - id: NV2-THANG
    title: Nắm bắt tình hình tư tưởng, dư luận xã hội trong tháng
    cron: "0 8 1 * *"
    from: 2024-04-01
    until: 2024-12-31
    due_before_day: 5
`;

export const PUBLISHED = new Date('2024-03-12T01:00:00Z');
/** 01/04/2024 08:00 in Hà Nội: the first monthly request. */
export const FIRST_OF_APRIL = new Date('2024-04-01T01:00:00Z');
/** 05/04/2024 00:00 in Hà Nội: its deadline ("before the 5th"). */
export const DEADLINE = new Date('2024-04-04T17:00:00Z');

export async function applyOrg(database: TestDatabase, text = ORG) {
  const parsed = parseScenario(text, 'org.yaml');
  if (!parsed.ok) throw new Error(formatErrors(parsed.errors));
  const plan = await applyScenario(database.db, parsed.scenario, {
    now: PUBLISHED,
    timezone: 'Asia/Ho_Chi_Minh',
  });
  if (plan.problems.length) throw new Error(JSON.stringify(plan.problems));
  return plan;
}

export async function unitId(database: TestDatabase, code: string): Promise<number> {
  const [row] = await database.db.select().from(units).where(eq(units.code, code));
  return row!.id;
}

/** Every line Pulse logs, at debug level and above, kept for the privacy checks. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export function startApp(
  database: TestDatabase,
  fake: FakeTelegram,
  clock: FakeClock,
  logger: pino.Logger,
): Promise<PulseApp> {
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...FAST_RATES,
  });
  return startPulse({ config, database, clock, logger });
}

export const user = (id: number, first_name: string) => ({ id, first_name });
