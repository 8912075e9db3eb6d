import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relayDueFeedback } from '../../bot/features/feedback/feedback';
import { incidents } from '../../db/schema';
import { setupHotspots, T1_GROUP, WORKER } from '../features/hotspots/setup';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, dm } from '../helpers/harness';

/** The log lines written around an anonymous feedback, read as an operator would read them. */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

interface Line {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

function capture() {
  const lines: Line[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => lines.push(JSON.parse(s) as Line) });
  return { logger, lines };
}

const INFO = 30;

describe('logs around anonymous sources', () => {
  it('an anonymous feedback that opens a hot spot leaves no line at info or above about it', async () => {
    const setup = await setupHotspots(database);
    await setup.org.personWith(50, WORKER.displayName, { role: 'worker', unit: 'T1' });
    const { logger, lines } = capture();
    setup.harness.deps.logger = logger;
    setup.harness.clock.set('2026-03-05T02:41:17Z');
    await setup.harness.handle(command(dm(50), WORKER, '/gopy Hôm qua sập lò ở +50, không ai báo cáo'));
    // Nothing surfaces before the hourly relay, which publishes the hour's feedback to hot spots.
    expect(await database.db.select().from(incidents)).toHaveLength(0);
    setup.harness.clock.set('2026-03-05T03:05:00Z');
    await relayDueFeedback(setup.harness.deps, setup.harness.clock.now());

    // The feature still works: the incident is open, dated to the hour.
    const opened = await database.db.select().from(incidents);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.openedAt).toEqual(new Date('2026-03-05T02:00:00Z'));
    // The line is still there for debugging, at debug level only.
    expect(lines.some((l) => l.msg === 'hot spot opened' && l.level < INFO)).toBe(true);

    const loud = lines.filter((l) => l.level >= INFO);
    const text = JSON.stringify(loud);
    expect(text).not.toMatch(/hot spot|feedback|gopy|sập lò|incidents/i);

    // A group message is not anonymous: its hot spot is logged at info as before.
    for (const t of ['nợ lương', 'nợ lương', 'nợ lương'])
      await setup.harness.handle({
        kind: 'message',
        updateId: `g-${t}-${Math.random()}`,
        chat: T1_GROUP,
        from: WORKER,
        text: t,
      });
    expect(lines.some((l) => l.msg === 'hot spot opened' && l.level === INFO)).toBe(true);
  });

  it('a failing anonymous command logs no command name, update or error detail at error level', async () => {
    const setup = await setupHotspots(database);
    await setup.org.personWith(50, WORKER.displayName, { role: 'worker', unit: 'T1' });
    const { logger, lines } = capture();
    const broken = new Error('Failed query: insert into feedback params: Hôm qua sập lò');
    setup.harness.deps.logger = logger;
    // A fault injected inside the command (it writes nothing itself now: the feedback waits in
    // memory for the hourly batch), where it checks the text for a critical topic.
    const signals = setup.harness.deps.signals;
    const real = signals.isUrgent;
    signals.isUrgent = () => {
      throw broken;
    };
    try {
      await setup.harness.handle(command(dm(50), WORKER, '/gopy Hôm qua sập lò ở +50'));
    } finally {
      signals.isUrgent = real;
    }
    const loud = lines.filter((l) => l.level >= INFO);
    expect(loud.some((l) => l.level >= 50)).toBe(true);
    expect(JSON.stringify(loud)).not.toMatch(/feedback|gopy|sập lò|"update"/i);
    // The sender is told something went wrong.
    expect(setup.harness.messenger.texts('50').at(-1)).toBeDefined();
  });
});
