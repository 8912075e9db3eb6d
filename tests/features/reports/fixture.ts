import {
  type Figure,
  NONE,
  type ReportUnit,
  type SituationReport,
  shown,
  WITHHELD,
} from '../../../bot/features/reports/model';

/** Midnight in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export const hcm = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day) - 7 * 60 * 60 * 1000);

const DAY = 24 * 60 * 60 * 1000;

export const UNITS = {
  CTY: { id: 1, code: 'CTY', name: 'Công ty Than Thống Nhất' },
  KT1: { id: 2, code: 'PX-KT1', name: 'Phân xưởng Khai thác 1' },
  DL: { id: 3, code: 'PX-DL', name: 'Phân xưởng Đào lò' },
  /** 4 answers: below the threshold, withheld everywhere. */
  CD: { id: 4, code: 'PX-CD', name: 'Phân xưởng Cơ điện' },
  /** Enough answers, but withheld as the complement that would reveal PX-CD. */
  VT: { id: 5, code: 'PX-VT', name: 'Phân xưởng Vận tải' },
  PKT: { id: 6, code: 'P-KT', name: 'Phòng Kỹ thuật – Điều độ' },
} satisfies Record<string, ReportUnit>;

export const TOPICS = {
  wages: { key: 'wages', name: 'Tiền lương, thu nhập' },
  safety: { key: 'safety', name: 'An toàn lao động' },
  jobs: { key: 'jobs', name: 'Việc làm' },
  storms: { key: 'storms', name: 'Thiên tai, bão lũ' },
  housing: { key: 'housing', name: 'Đời sống, nhà ở' },
};

const weekly = (values: (number | 'w' | null)[]): Figure[] =>
  values.map((v) => (v === 'w' ? WITHHELD : v === null ? NONE : shown(v)));

/** A quarter of a coal company: what the lead's queries will produce, with every kind of cell. */
export function fixtureReport(): SituationReport {
  const from = hcm(2024, 1, 1);
  const buckets = Array.from({ length: 13 }, (_, i) => ({
    from: new Date(from.getTime() + i * 7 * DAY),
    to: new Date(from.getTime() + (i + 1) * 7 * DAY),
  }));
  return {
    issuer: {
      superior: 'Đảng bộ Tập đoàn TKV',
      body: 'Đảng ủy Công ty Than Thống Nhất',
      place: 'Quảng Ninh',
    },
    scope: UNITS.CTY,
    period: { kind: 'quarter', from, to: hcm(2024, 4, 1) },
    previous: { kind: 'quarter', from: hcm(2023, 10, 1), to: from },
    generatedAt: new Date('2024-04-01T01:30:00Z'),
    timezone: 'Asia/Ho_Chi_Minh',
    minAnswers: 5,
    pulses: {
      scale: { min: 1, max: 5 },
      polls: 12,
      overall: { invited: 240, answers: shown(171), mean: shown(3.54), previousMean: shown(3.71) },
      units: [
        { unit: UNITS.KT1, invited: 80, answers: shown(58), mean: shown(3.21), previousMean: shown(3.83) },
        { unit: UNITS.DL, invited: 60, answers: shown(41), mean: shown(3.48), previousMean: shown(3.6) },
        { unit: UNITS.CD, invited: 30, answers: WITHHELD, mean: WITHHELD, previousMean: WITHHELD },
        { unit: UNITS.VT, invited: 45, answers: WITHHELD, mean: WITHHELD, previousMean: WITHHELD },
        { unit: UNITS.PKT, invited: 25, answers: shown(22), mean: shown(3.95), previousMean: shown(3.74) },
      ],
      topics: [
        { topic: TOPICS.wages, polls: 4, answers: shown(60), mean: shown(3.1), previousMean: shown(3.5) },
        { topic: TOPICS.safety, polls: 5, answers: shown(80), mean: shown(3.9), previousMean: shown(3.8) },
        { topic: TOPICS.housing, polls: 3, answers: shown(31), mean: shown(3.5), previousMean: NONE },
      ],
    },
    hotspots: {
      opened: 7,
      acknowledged: 6,
      resolved: 4,
      medianAckMinutes: 35,
      medianResolveMinutes: 1690,
      openBySeverity: { critical: 1, high: 1, medium: 1, low: 0 },
      topics: [
        { topic: TOPICS.wages, incidents: 3 },
        { topic: TOPICS.safety, incidents: 2 },
        { topic: TOPICS.jobs, incidents: 1 },
        { topic: TOPICS.storms, incidents: 1 },
        { topic: TOPICS.housing, incidents: 0 },
      ],
      falseAlarms: [
        { topic: TOPICS.storms, judged: 1, falseAlarms: 1 },
        { topic: TOPICS.wages, judged: 3, falseAlarms: 1 },
      ],
      units: [
        { unit: UNITS.KT1, opened: 4, open: 2 },
        { unit: UNITS.DL, opened: 2, open: 1 },
        { unit: UNITS.VT, opened: 1, open: 0 },
      ],
      notable: [
        {
          unit: UNITS.KT1,
          topic: TOPICS.wages,
          severity: 'critical',
          status: 'acknowledged',
          openedAt: new Date('2024-03-25T02:15:00Z'),
          hits: 14,
        },
        {
          unit: UNITS.DL,
          topic: TOPICS.safety,
          severity: 'high',
          status: 'open',
          openedAt: new Date('2024-03-28T09:40:00Z'),
          hits: 6,
        },
      ],
    },
    directives: {
      directives: 5,
      overall: { chats: 42, reachedChats: 40, members: 420, acknowledged: 301 },
      units: [
        { unit: UNITS.KT1, chats: 12, reachedChats: 12, members: 150, acknowledged: 120 },
        { unit: UNITS.DL, chats: 10, reachedChats: 10, members: 110, acknowledged: 85 },
        { unit: UNITS.CD, chats: 8, reachedChats: 6, members: 60, acknowledged: 25 },
        { unit: UNITS.VT, chats: 7, reachedChats: 7, members: 70, acknowledged: 50 },
        { unit: UNITS.PKT, chats: 5, reachedChats: 5, members: 30, acknowledged: 21 },
      ],
    },
    feedback: {
      total: shown(23),
      topics: [
        { topic: TOPICS.wages, messages: shown(10) },
        { topic: TOPICS.jobs, messages: shown(6) },
        { topic: TOPICS.safety, messages: shown(5) },
        { topic: TOPICS.housing, messages: WITHHELD },
      ],
    },
    trend: {
      granularity: 'week',
      buckets,
      series: [
        {
          unit: UNITS.CTY,
          points: weekly([3.7, 3.72, 3.68, 3.66, 3.6, 3.62, 3.58, 3.55, 3.5, 3.49, 3.47, 3.45, 3.44]),
        },
        {
          unit: UNITS.KT1,
          points: weekly([3.8, 3.75, 3.7, 3.6, 3.4, 3.35, 3.3, 3.2, 3.1, 3.05, 3.0, 2.95, 2.9]),
        },
        {
          unit: UNITS.DL,
          points: weekly([3.6, 3.55, 'w', 'w', 3.5, 3.52, 3.48, 3.45, 3.5, 3.44, 3.42, 3.4, 3.41]),
        },
        { unit: UNITS.CD, points: weekly(Array(13).fill('w')) },
        {
          unit: UNITS.PKT,
          points: weekly([3.7, 3.75, 3.8, 3.85, 3.9, null, 3.95, 4.0, 3.98, 4.02, 4.0, 4.05, 4.1]),
        },
      ],
    },
  };
}

/** The same company grown to `units` units and a year of weekly points, for limits and benchmarks. */
export function largeReport(units: number): SituationReport {
  const base = fixtureReport();
  const list: ReportUnit[] = Array.from({ length: units }, (_, i) => ({
    id: 100 + i,
    code: `CB-${String(i + 1).padStart(4, '0')}`,
    name: `Chi bộ Phân xưởng Khai thác lộ vỉa số ${i + 1}`,
  }));
  const mean = (i: number, shift: number) => shown(3 + ((i * 37 + shift) % 17) / 10);
  const weeks = 52;
  const from = hcm(2023, 4, 3);
  return {
    ...base,
    pulses: {
      ...base.pulses,
      units: list.map((unit, i) =>
        i % 9 === 4
          ? { unit, invited: 12, answers: WITHHELD, mean: WITHHELD, previousMean: WITHHELD }
          : { unit, invited: 90, answers: shown(40 + (i % 50)), mean: mean(i, 0), previousMean: mean(i, 5) },
      ),
    },
    directives: {
      ...base.directives,
      units: list.map((unit, i) => ({
        unit,
        chats: 4,
        reachedChats: 4 - (i % 3),
        members: 90,
        acknowledged: 50 + (i % 40),
      })),
    },
    hotspots: {
      ...base.hotspots,
      units: list.map((unit, i) => ({ unit, opened: i % 4, open: i % 2 })),
      topics: Array.from({ length: 14 }, (_, i) => ({
        topic: { key: `t${i}`, name: `Chủ đề số ${i + 1}: đời sống người lao động` },
        incidents: 30 - i * 2,
      })),
    },
    trend: {
      granularity: 'week',
      buckets: Array.from({ length: weeks }, (_, i) => ({
        from: new Date(from.getTime() + i * 7 * DAY),
        to: new Date(from.getTime() + (i + 1) * 7 * DAY),
      })),
      series: list.slice(0, 40).map((unit, s) => ({
        unit,
        points: Array.from({ length: weeks }, (_, w) => (w % 11 === s % 11 ? WITHHELD : mean(s, w))),
      })),
    },
  };
}
