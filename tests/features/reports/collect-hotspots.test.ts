import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnitByCode } from '../../../bot/features/org/units';
import { collectReport, resolvePeriod } from '../../../bot/features/reports/collect';
import { hotspotHits, incidents } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { buildWeek } from './world';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

const t = (iso: string) => new Date(iso);

describe('collectReport hot spots', () => {
  it('equals a direct count of incidents and feedback hits over the same period', async () => {
    const h = await buildWeek(database, { CB1: [5, 4, 4, 3, 2], T1: [], CB2: [3, 3, 4, 2, 2] });
    const period = resolvePeriod('week', h.clock.now(), h.config.timezone)!;
    const id = async (code: string) => (await findUnitByCode(h.deps.db, code))!.id;
    const [cb1, t1, cb2] = [await id('CB1'), await id('T1'), await id('CB2')];
    const base = { hitCount: 5, windowMinutes: 10, escalation: { steps: [], repeat: false } };
    const incident = (
      unitId: number,
      topicId: string,
      severity: 'low' | 'medium' | 'high' | 'critical',
      status: 'open' | 'acknowledged' | 'resolved',
      openedAt: string,
      acknowledgedAt?: string,
      resolvedAt?: string,
    ) => ({
      ...base,
      unitId,
      topicId,
      topicName: topicId === 'wages' ? 'Tiền lương' : 'An toàn',
      severity,
      status,
      openedAt: t(openedAt),
      lastHitAt: t(openedAt),
      acknowledgedAt: acknowledgedAt ? t(acknowledgedAt) : null,
      resolvedAt: resolvedAt ? t(resolvedAt) : null,
    });
    await database.db.insert(incidents).values([
      incident(
        cb1,
        'wages',
        'high',
        'resolved',
        '2024-03-12T01:00:00Z',
        '2024-03-12T02:00:00Z',
        '2024-03-12T05:00:00Z',
      ),
      incident(t1, 'safety', 'critical', 'acknowledged', '2024-03-13T01:00:00Z', '2024-03-13T01:30:00Z'),
      incident(cb2, 'wages', 'medium', 'open', '2024-03-14T01:00:00Z'),
      // Opened before the period, resolved in it; and one long before, still open.
      incident(
        cb2,
        'safety',
        'high',
        'resolved',
        '2024-03-01T01:00:00Z',
        '2024-03-01T03:00:00Z',
        '2024-03-12T01:00:00Z',
      ),
      incident(cb1, 'safety', 'low', 'open', '2024-02-01T01:00:00Z'),
      // Opened after the period and still open: not "opened" in it, but an open incident always shows.
      incident(t1, 'wages', 'low', 'open', '2024-03-19T01:00:00Z'),
    ]);
    await database.db.insert(hotspotHits).values([
      {
        unitId: cb2,
        chatId: null,
        topicId: 'wages',
        source: 'feedback',
        bucket: t('2024-03-12T03:00:00Z'),
        count: 5,
      },
      {
        unitId: cb1,
        chatId: null,
        topicId: 'wages',
        source: 'feedback',
        bucket: t('2024-03-13T03:00:00Z'),
        count: 7,
      },
      {
        unitId: cb2,
        chatId: null,
        topicId: 'safety',
        source: 'feedback',
        bucket: t('2024-03-12T03:00:00Z'),
        count: 10,
      },
      {
        unitId: cb2,
        chatId: 1,
        topicId: 'safety',
        source: 'group',
        bucket: t('2024-03-12T03:00:00Z'),
        count: 9,
      },
    ]);

    const unit = (await findUnitByCode(h.deps.db, 'CTY'))!;
    const r = await collectReport(h.deps, { unit, period, locale: 'vi' });
    const from = period.from.toISOString();
    const to = period.to.toISOString();
    const [direct] = await database.query<Record<string, number>>(sql`
      select count(*) filter (where opened_at >= ${from}::timestamptz and opened_at < ${to}::timestamptz)::int as opened,
        count(*) filter (where acknowledged_at >= ${from}::timestamptz and acknowledged_at < ${to}::timestamptz)::int as acked,
        count(*) filter (where resolved_at >= ${from}::timestamptz and resolved_at < ${to}::timestamptz)::int as resolved,
        count(*) filter (where resolved_at is null or (opened_at < ${to}::timestamptz and resolved_at >= ${to}::timestamptz))::int as open
      from incidents`);
    expect(r.hotspots.opened).toBe(Number(direct!.opened));
    expect(r.hotspots.acknowledged).toBe(Number(direct!.acked));
    expect(r.hotspots.resolved).toBe(Number(direct!.resolved));
    expect(Object.values(r.hotspots.openBySeverity).reduce((a, b) => a + b, 0)).toBe(Number(direct!.open));
    expect(r.hotspots).toMatchObject({ opened: 3, acknowledged: 2, resolved: 2 });
    expect(r.hotspots.openBySeverity).toEqual({ critical: 1, high: 0, medium: 1, low: 2 });
    // Acknowledged after 60 and 30 minutes; resolved after 240 minutes and 11 days.
    expect(r.hotspots.medianAckMinutes).toBe(45);
    expect(r.hotspots.medianResolveMinutes).toBe((240 + 11 * 24 * 60) / 2);
    expect(r.hotspots.topics).toEqual([
      { topic: { key: 'wages', name: 'Tiền lương' }, incidents: 2 },
      { topic: { key: 'safety', name: 'An toàn' }, incidents: 1 },
    ]);
    expect(r.hotspots.units.map((u) => [u.unit.code, u.opened, u.open])).toEqual([
      ['CB1', 2, 3],
      ['CB2', 1, 1],
    ]);
    // Feedback per topic from feedback hits only (the group hits are not feedback); free text needs k = 10.
    expect(r.feedback.topics).toEqual([
      { topic: { key: 'wages', name: 'wages' }, messages: { kind: 'value', value: 12 } },
      { topic: { key: 'safety', name: 'safety' }, messages: { kind: 'value', value: 10 } },
    ]);
  });
});
