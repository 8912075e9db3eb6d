import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPulseEventHandler } from '../../../bot/features';
import { relayDueFeedback } from '../../../bot/features/feedback/feedback';
import { hotspotJobs, lexiconOf } from '../../../bot/features/hotspots';
import { onTextSignal } from '../../../bot/features/hotspots/detect';
import { sendDueEscalations } from '../../../bot/features/hotspots/escalation';
import { acknowledgeIncident } from '../../../bot/features/hotspots/incidents';
import { TextSignals } from '../../../bot/kernel/text-signals';
import type { Deps } from '../../../bot/runtime/deps';
import { MessengerRouter } from '../../../bot/runtime/messenger-router';
import { hotspotHits, incidentAlerts, incidentEvents, incidents } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, dm, message } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { ADMIN, LEADER_CB1, LEADER_T1, setupHotspots, T1_GROUP, WORKER } from './setup';

const MINUTE = 60_000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

type Setup = Awaited<ReturnType<typeof setupHotspots>>;

async function say(setup: Setup, text: string, from = WORKER) {
  await setup.harness.handle(message(T1_GROUP, from, text));
}

/** DMs sent to a Telegram user id. */
const dmsTo = (setup: Setup, userId: string) =>
  setup.harness.messenger.sent.filter((s) => s.chat.kind === 'dm' && s.chat.externalId === userId);

async function runJobs(setup: Setup) {
  await sendDueEscalations(setup.harness.deps, setup.harness.clock.now());
}

async function allIncidents() {
  return database.db.select().from(incidents).orderBy(incidents.id);
}

describe('surge detection', () => {
  it('opens an incident only when N hits fall within the sliding window of one unit', async () => {
    const setup = await setupHotspots(database);
    await say(setup, 'Công ty nợ lương 3 tháng rồi');
    setup.harness.clock.advance(5 * MINUTE);
    await say(setup, 'lg chậm quá ae');
    setup.harness.clock.advance(6 * MINUTE);
    await say(setup, 'chậm lương nữa rồi'); // the first hit (11 min ago) left the 10-minute window
    expect(await allIncidents()).toEqual([]);
    expect(dmsTo(setup, '11')).toEqual([]);

    setup.harness.clock.advance(MINUTE);
    await say(setup, 'no luong tiep');
    const [incident] = await allIncidents();
    expect(incident).toMatchObject({ topicId: 'wages', status: 'open', hitCount: 3 });
    expect(dmsTo(setup, '11')).toHaveLength(1);
  });

  it('counts hits from several units apart and ignores text with no hit or an exclusion', async () => {
    const setup = await setupHotspots(database);
    await setup.harness.handle(
      command({ ...T1_GROUP, externalId: '-2002', title: 'Chi bộ 2' }, ADMIN, '/link CB2'),
    );
    for (const text of ['nợ lương', 'chậm lương']) await say(setup, text);
    await setup.harness.handle(message({ ...T1_GROUP, externalId: '-2002' }, WORKER, 'nợ lương'));
    await say(setup, 'Công ty không nợ lương ai cả');
    await say(setup, 'Lương tháng này về đúng hạn');
    expect(await allIncidents()).toEqual([]);
    const hits = await database.db.select().from(hotspotHits);
    expect(hits.reduce((n, h) => n + h.count, 0)).toBe(3);
  });

  it('opens a critical topic on the first hit and dedups later hits into the same incident', async () => {
    const setup = await setupHotspots(database);
    await say(setup, 'Sập lò ở +50 rồi!!!');
    let rows = await allIncidents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topicId: 'accident', severity: 'critical', hitCount: 1 });

    setup.harness.clock.advance(2 * MINUTE);
    await say(setup, 'tai nan o lo cho');
    await say(setup, 'có người bị tai nạn');
    rows = await allIncidents();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hitCount).toBe(3);
    expect(dmsTo(setup, '11')).toHaveLength(1);
    const events = await database.db.select().from(incidentEvents).where(eq(incidentEvents.kind, 'hits'));
    expect(events.map((e) => e.count)).toEqual([2]);
  });

  it('needs the count above the unit’s own baseline when the rule asks for it', async () => {
    const setup = await setupHotspots(database);
    const yaml = `
version: 1
lexicon:
  topics:
    - id: wages
      name: Tiền lương
      severity: high
      surge: { hits: 3, window: 10m, baseline: { days: 7, factor: 2 } }
      terms: [nợ lương]
      playbook: Xác minh.
`;
    const { installLexicon } = await import('./setup');
    await installLexicon(setup.harness, yaml);
    const t1 = setup.org.ids.T1;
    const now = setup.harness.clock.now().getTime();
    // About 3 hits per 10 minutes over the past week: the unit's usual level.
    const history = Array.from({ length: 7 * 144 }, (_, i) => ({
      unitId: t1,
      chatId: null,
      topicId: 'wages',
      source: 'feedback' as const,
      bucket: new Date(now - (i + 2) * 10 * MINUTE),
      count: 3,
    }));
    await database.db.insert(hotspotHits).values(history);

    // 5 hits are above the rule's 3 but not above 2 × the usual 3: no incident.
    for (let i = 0; i < 5; i++) await say(setup, 'nợ lương');
    expect(await allIncidents()).toEqual([]);
    await say(setup, 'nợ lương');
    await say(setup, 'nợ lương');
    expect(await allIncidents()).toHaveLength(1);
  });

  it('alerts on anonymous feedback only at the top of the next hour, and counts it for the root unit when it has no unit', async () => {
    const setup = await setupHotspots(database);
    setup.harness.clock.set('2026-03-05T02:17:00Z');
    await setup.harness.deps.signals.publish({
      text: 'sập lò rồi',
      source: 'feedback',
      unitId: null,
      chatId: null,
      at: new Date('2026-03-05T02:00:00Z'),
    });
    const [incident] = await allIncidents();
    expect(incident!.unitId).toBe(setup.org.ids.CTY);
    // Sent now, the alert would tell when someone wrote: feedback reaches leaders on the hour.
    await runJobs(setup);
    expect(dmsTo(setup, '1')).toEqual([]);
    setup.harness.clock.set('2026-03-05T03:00:00Z');
    await runJobs(setup);
    // Nobody leads CTY: the first step falls through to the admins, and names the source.
    expect(dmsTo(setup, '1')[0]!.message.text).toContain('phản ánh ẩn danh (1)');
    // Hits without a chat share one counter per minute (the unique key treats null chats as equal).
    await setup.harness.deps.signals.publish({
      text: 'lại sập lò',
      source: 'feedback',
      unitId: null,
      chatId: null,
      at: new Date('2026-03-05T02:00:00Z'),
    });
    const hits = await database.db.select().from(hotspotHits);
    expect(hits.map((h) => [h.chatId, h.source, h.count])).toEqual([[null, 'feedback', 2]]);
  });
});

describe('anonymous feedback (the polls feature)', () => {
  it('/feedback with an accident opens a hot spot for the sender’s unit, alerted on the hour, naming no one', async () => {
    const setup = await setupHotspots(database);
    const worker = await setup.org.personWith(50, WORKER.displayName, { role: 'worker', unit: 'T1' });
    setup.harness.clock.set('2026-03-05T02:41:00Z');
    await setup.harness.handle(command(dm(50), WORKER, '/feedback Hôm qua sập lò ở +50, không ai báo cáo'));
    // Nothing shows before the hourly relay: an incident now would tell the leader when it was sent.
    expect(await allIncidents()).toEqual([]);
    expect(dmsTo(setup, '11').filter((m) => m.message.text.includes('Điểm nóng'))).toEqual([]);

    setup.harness.clock.set('2026-03-05T03:00:00Z');
    await relayDueFeedback(setup.harness.deps, setup.harness.clock.now());
    const [incident] = await allIncidents();
    expect(incident).toMatchObject({ unitId: setup.org.ids.T1, topicId: 'accident', status: 'open' });
    expect(incident!.openedAt).toEqual(new Date('2026-03-05T02:00:00Z'));
    await runJobs(setup);
    const [alert] = dmsTo(setup, '11').filter((m) => m.message.text.includes('Điểm nóng'));
    expect(alert!.message.text).toContain('Nơi phát sinh: phản ánh ẩn danh (1)');
    for (const secret of [WORKER.displayName, 'hung_lo', 'Hôm qua'])
      expect(alert!.message.text).not.toContain(secret);
    expect(worker.id).toBeGreaterThan(0);
  });
});

describe('escalation', () => {
  it('notifies the unit’s leaders now, the parent’s after 30 min, admins after 2 h, three rounds, then stops', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    const { clock } = setup.harness;
    const expected: [number, string][] = [
      [0, '11'],
      [30, '10'],
      [90, '1'],
      [120, '11'],
      [30, '10'],
      [90, '1'],
      [120, '11'],
      [30, '10'],
      [90, '1'],
    ];
    for (const [index, [minutes, to]] of expected.entries()) {
      clock.advance(minutes * MINUTE - MINUTE);
      await runJobs(setup);
      const before = setup.harness.messenger.sent.length;
      clock.advance(MINUTE);
      await runJobs(setup);
      const sent = setup.harness.messenger.sent.slice(before);
      if (index === 0) continue; // the first step was sent when the incident opened
      expect(
        sent.map((s) => s.chat.externalId),
        `step ${index + 1}`,
      ).toEqual([to]);
      expect(sent[0]!.message.text).toContain('Chuyển lên');
    }
    expect(dmsTo(setup, '11')).toHaveLength(3);
    expect(dmsTo(setup, '10')).toHaveLength(3);
    expect(dmsTo(setup, '1')).toHaveLength(3);

    clock.advance(120 * MINUTE);
    await runJobs(setup);
    clock.advance(24 * 60 * MINUTE);
    await runJobs(setup);
    expect(setup.harness.messenger.sent).toHaveLength(9);
    const kinds = (await database.db.select().from(incidentEvents).orderBy(incidentEvents.id)).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === 'step')).toHaveLength(9);
    expect(kinds.at(-1)).toBe('exhausted');
    const [incident] = await allIncidents();
    expect(incident!.nextStepAt).toBeNull();
  });

  it('stops at an acknowledgement: no parent alert, and the sent alert shows who acknowledged', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    const [incident] = await allIncidents();
    await setup.harness.handle(command(dm(11), LEADER_T1, `/ack ${incident!.id}`));
    expect(setup.harness.messenger.last()!.message.text).toContain(`Đã xác nhận điểm nóng #${incident!.id}`);
    const edited = setup.harness.messenger.edits.at(-1)!;
    expect(edited.message.text).toContain('Nguyễn Văn An đã xác nhận');
    expect(edited.message.buttons?.[0]?.map((b) => b.label)).toEqual(['Đã xử lý']);

    setup.harness.clock.advance(6 * 60 * MINUTE);
    await runJobs(setup);
    expect(dmsTo(setup, '10')).toEqual([]);
    expect(dmsTo(setup, '1')).toEqual([]);
  });

  it('lets an acknowledgement made while a step is being sent cancel the alerts not yet sent', async () => {
    const setup = await setupHotspots(database);
    const second = await setup.org.personWith(2, 'Quản trị 2', { role: 'admin', unit: null });
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    const [incident] = await allIncidents();
    setup.harness.clock.advance(30 * MINUTE);
    await runJobs(setup); // the parent's step
    setup.harness.messenger.clear();

    // The first admin's DM goes out; before the second one, a leader acknowledges.
    const { messenger } = setup.harness;
    const original = messenger.send.bind(messenger);
    let acked = false;
    messenger.send = async (chat, msg) => {
      const ref = await original(chat, msg);
      if (!acked) {
        acked = true;
        await acknowledgeIncident(setup.harness.deps, incident!.id, setup.people.leaderCb1.id);
      }
      return ref;
    };
    setup.harness.clock.advance(90 * MINUTE);
    await runJobs(setup); // the admins' step
    expect(messenger.sent).toHaveLength(1);
    const alerts = await database.db
      .select()
      .from(incidentAlerts)
      .where(eq(incidentAlerts.stepIndex, 2))
      .orderBy(incidentAlerts.personId);
    expect(alerts.map((a) => [a.personId, a.status])).toEqual([
      [setup.people.admin.id, 'sent'],
      [second.id, 'cancelled'],
    ]);
  });

  it('never runs a step twice when two workers claim at once', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    setup.harness.clock.advance(30 * MINUTE);
    const now = setup.harness.clock.now();
    await Promise.all([
      sendDueEscalations(setup.harness.deps, now),
      sendDueEscalations(setup.harness.deps, now),
    ]);
    expect(dmsTo(setup, '10')).toHaveLength(1);
  });

  it('survives a restart in the middle of an escalation: a new process runs the next step from the database', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    expect(dmsTo(setup, '11')).toHaveLength(1);

    // A new process: fresh memory, fresh messenger, same database.
    const messenger = new RecordingMessenger();
    const router = new MessengerRouter();
    router.register(messenger);
    const deps: Deps = {
      ...setup.harness.deps,
      messenger: router,
      signals: new TextSignals(),
      logger: pino({ level: 'silent' }),
    };
    const jobs = hotspotJobs(deps);
    const at = new Date(setup.harness.clock.now().getTime() + 30 * MINUTE);
    for (const job of jobs) await job.run(at);
    expect(messenger.sent.map((s) => s.chat.externalId)).toEqual(['10']);
    expect(messenger.sent[0]!.message.text).toContain('Tiền lương');
    expect(lexiconOf(deps).topic('wages')?.playbook).toContain('Gặp tổ');
  });
});

describe('acknowledge and resolve', () => {
  it('resolves with a note; a later surge, not a single hit, opens a new incident', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    const [first] = await allIncidents();
    await setup.harness.handle(command(dm(11), LEADER_T1, `/resolve ${first!.id}`));
    expect(setup.harness.messenger.last()!.message.text).toContain('Cách dùng: /resolve');
    expect((await allIncidents())[0]!.status).toBe('open');

    await setup.harness.handle(
      command(dm(11), LEADER_T1, `/resolve ${first!.id} Đã gặp tổ, lương trả ngày 15`),
    );
    expect(setup.harness.messenger.last()!.message.text).toContain(`Đã đóng điểm nóng #${first!.id}`);
    const [resolved] = await allIncidents();
    expect(resolved).toMatchObject({ status: 'resolved', resolutionNote: 'Đã gặp tổ, lương trả ngày 15' });

    setup.harness.clock.advance(MINUTE);
    await say(setup, 'nợ lương');
    expect(await allIncidents()).toHaveLength(1);
    await say(setup, 'nợ lương');
    await say(setup, 'nợ lương');
    const rows = await allIncidents();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ status: 'open', hitCount: 3 });
    expect(rows[1]!.id).not.toBe(first!.id);

    await setup.harness.handle(command(dm(11), LEADER_T1, `/resolve ${first!.id} lần nữa`));
    expect(setup.harness.messenger.last()!.message.text).toContain('đã đóng từ trước');
  });

  it('refuses someone who does not lead the unit, and an unknown incident, changing nothing', async () => {
    const setup = await setupHotspots(database);
    for (const text of ['nợ lương', 'nợ lương', 'nợ lương']) await say(setup, text);
    const [incident] = await allIncidents();
    const cb2Leader = await setup.org.personWith(20, 'Phạm Thị Lan', { role: 'leader', unit: 'CB2' });
    await setup.harness.handle(command(dm(20), { ...LEADER_CB1, externalId: '20' }, `/ack ${incident!.id}`));
    // He is a leader, of another unit: told which one he may act on, not that he lacks the role.
    const refusal = setup.harness.messenger.last()!.message.text;
    expect(refusal).toContain('không có quyền');
    expect(refusal).toMatch(/bạn chỉ dùng được lệnh này cho .*\(CB2\)/);
    expect(refusal).not.toContain('cần vai trò');
    await setup.harness.handle(command(dm(11), LEADER_T1, '/ack 999'));
    expect(setup.harness.messenger.last()!.message.text).toContain('Không có điểm nóng #999');
    await setup.harness.handle(command(dm(50), WORKER, `/ack ${incident!.id}`));
    expect(setup.harness.messenger.last()!.message.text).toContain('không có quyền');
    expect((await allIncidents())[0]!.status).toBe('open');
    expect(cb2Leader.id).toBeGreaterThan(0);
  });
});

describe('privacy', () => {
  it('stores no author and no text for a hit, and the alert names no one', async () => {
    const setup = await setupHotspots(database);
    const texts = ['Hùng đây: công ty nợ lương 3 tháng', 'chậm lương quá', 'lg chậm'];
    for (const text of texts) await say(setup, text);
    const dump = JSON.stringify(
      await Promise.all(
        ['hotspot_hits', 'incidents', 'incident_events', 'incident_alerts'].map((table) =>
          database.query(sql.raw(`select * from ${table}`)),
        ),
      ),
    );
    for (const secret of [...texts, 'Bùi Văn Hùng', 'hung_lo', '"50"', 'Hùng đây'])
      expect(dump).not.toContain(secret);
    const hitColumns = Object.keys((await database.db.select().from(hotspotHits))[0]!);
    expect(hitColumns.sort()).toEqual(['bucket', 'chatId', 'count', 'source', 'topicId', 'unitId']);

    const [alert] = dmsTo(setup, '11');
    for (const secret of ['Bùi Văn Hùng', 'hung_lo', 'Hùng đây', '50'])
      expect(alert!.message.text).not.toContain(secret);
    expect(alert!.message.text).toContain('Tiền lương');
    expect(alert!.message.text).toContain('Tổ 1 (T1)');
    expect(alert!.message.text).toContain('“Tổ 1 — nhóm chung” (3)');
    expect(alert!.message.text).toContain('Mức độ: cao');
    expect(alert!.message.text).toContain('3 tin trong 10 phút');
    expect(alert!.message.text).toContain('Gặp tổ ngay trong ca');
    expect(alert!.message.buttons).toEqual([
      [
        { label: 'Xác nhận đã nhận', data: 'inc:a:1' },
        { label: 'Đã xử lý', data: 'inc:r:1' },
      ],
      [
        { label: 'Đúng là điểm nóng', data: 'hv:h:1' },
        { label: 'Báo nhầm', data: 'hv:f:1' },
      ],
    ]);
  });

  it('quotes an excerpt only when the scenario turns it on, masked, and never stores it', async () => {
    const setup = await setupHotspots(database, { excerpts: true });
    const text = 'Sập lò rồi! gọi @anhhung 0912 345 678 hoặc xem https://tin.vn/sap-lo';
    await say(setup, text);
    const alert = dmsTo(setup, '11')[0]!.message.text;
    expect(alert).toContain(
      'Trích tin (đã che thông tin cá nhân): “Sập lò rồi! gọi [tên] [SĐT] hoặc xem [liên kết]”',
    );
    const dump = JSON.stringify(await database.query(sql`select * from incidents`));
    expect(dump).not.toContain('Sập lò rồi');

    const plain = await setupHotspotsAgain();
    await say(plain, text);
    expect(dmsTo(plain, '11')[0]!.message.text).not.toContain('Trích tin');
  });

  it('does not touch the database for a message with no hit', async () => {
    const setup = await setupHotspots(database);
    const forbidden = new Proxy(
      {},
      {
        get() {
          throw new Error('the database was touched');
        },
      },
    );
    const deps = { ...setup.harness.deps, db: forbidden as Deps['db'] };
    const signal = {
      text: 'Chiều nay họp tổ lúc 3 giờ, ae nhớ đi đủ',
      source: 'group' as const,
      unitId: 1,
      chatId: 1,
      at: new Date(),
    };
    await expect(onTextSignal(deps, signal)).resolves.toEqual([]);
    await expect(onTextSignal(deps, { ...signal, text: 'nợ lương' })).rejects.toThrow(
      'the database was touched',
    );
  });
});

async function setupHotspotsAgain() {
  await database.reset();
  return setupHotspots(database);
}

describe('the event handler', () => {
  it('keeps handling messages when detection fails', async () => {
    const setup = await setupHotspots(database);
    await say(setup, 'xin chào');
    const broken = { ...setup.harness.deps, signals: new TextSignals() };
    await lexiconOf(broken).refresh(database.db);
    const failing = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === 'transaction') throw new Error('database down');
        return Reflect.get(target, property, receiver);
      },
    });
    const deps: Deps = { ...broken, db: failing, signals: new TextSignals() };
    const { listenForHotspots } = await import('../../../bot/features/hotspots');
    listenForHotspots(deps);
    const handle = createPulseEventHandler(deps);
    await expect(handle(message(T1_GROUP, WORKER, 'sập lò'))).resolves.toBeUndefined();
    await handle(command(T1_GROUP, WORKER, '/whoami'));
    expect(setup.harness.messenger.last()!.message.text).toContain('Bùi Văn Hùng');
  });
});
