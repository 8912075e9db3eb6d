import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDueEscalations } from '../../bot/features/hotspots/escalation';
import { incidentAlerts, outbox } from '../../db/schema';
import { setupHotspots, T1_GROUP, WORKER } from '../features/hotspots/setup';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createHarness, message } from '../helpers/harness';

/**
 * Hot-spot alerts go through the one outbox: an alert queued by a process that died mid-send is
 * sent once, by the next process, after the lease; a masked excerpt reaches the first alert's DM
 * but never the stored row.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const LEADER_T1 = '11';

describe('hot-spot alerts in the outbox', () => {
  it('an alert whose process died mid-send is sent once after a restart', async () => {
    const setup = await setupHotspots(database);
    const say = (text: string) => setup.harness.handle(message(T1_GROUP, WORKER, text));
    await say('nợ lương');
    await say('nợ lương');
    // The first process hangs in the alert's send and is never heard of again (kill -9).
    setup.harness.messenger.sendDm = () => new Promise(() => {});
    void say('nợ lương');
    for (let i = 0; i < 200; i++) {
      const [row] = await database.db.select().from(outbox);
      if (row?.status === 'sending') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [claimed] = await database.db.select().from(outbox);
    expect(claimed).toMatchObject({ kind: 'hotspot_alert', status: 'sending', target: 'user' });

    // A new process on the same database: nothing before the lease, then the alert exactly once.
    const next = createHarness(database);
    next.clock.set(setup.harness.clock.now());
    await sendDueEscalations(next.deps, next.clock.now());
    expect(next.messenger.sent).toHaveLength(0);
    next.clock.advance(next.config.directives.leaseMs + 1);
    await sendDueEscalations(next.deps, next.clock.now());
    await sendDueEscalations(next.deps, next.clock.now());
    const dms = next.messenger.sent.filter((s) => s.chat.externalId === LEADER_T1);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.message.text).toContain('#1');
    const [alert] = await database.db.select().from(incidentAlerts).where(eq(incidentAlerts.personId, 3));
    expect(alert).toMatchObject({ status: 'sent', messageId: dms[0]!.messageId, chatExternalId: LEADER_T1 });
  });

  it('sends the masked excerpt in the first alert and never stores it', async () => {
    const setup = await setupHotspots(database, { excerpts: true });
    const say = (text: string) => setup.harness.handle(message(T1_GROUP, WORKER, text));
    await say('nợ lương');
    await say('nợ lương');
    await say('nợ lương ba tháng, gọi 0912345678');
    const [dm] = setup.harness.messenger.sent.filter((s) => s.chat.externalId === LEADER_T1);
    expect(dm!.message.text).toContain('ba tháng');
    expect(dm!.message.text).not.toContain('0912345678');
    const rows = await database.db.select().from(outbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('sent');
    expect(JSON.stringify(rows[0]!.payload)).not.toContain('ba tháng');
  });
});
