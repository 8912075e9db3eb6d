import type { Locale } from '../../kernel/i18n';
import { localParts } from '../../kernel/time';
import { ackRate, change, fallingUnits, leastReached, participation, reachRate, topTopics } from './derive';
import { type ReportFormat, reportFormat, versusPrevious } from './format';
import { heatThemeBlocks } from './heat-themes';
import { loopBlocks } from './loop';
import {
  type DirectiveReach,
  type Figure,
  type PulseFigures,
  SEVERITIES,
  type SituationReport,
} from './model';
import { proposalText } from './proposal-text';
import { proposals } from './proposals';

/**
 * The committee's report ("Báo cáo tình hình dư luận xã hội") as a list of blocks, so the
 * Markdown and the Word file share one structure: I. Tình hình chung; II. Kết quả nắm bắt dư
 * luận theo chủ đề; III. Điểm nóng và việc xử lý; IV. Đề xuất, kiến nghị.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'numbered'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][]; numeric: boolean[] }
  | { kind: 'note'; text: string }
  /** A picture the Word file embeds (the Markdown file has the same figures as a table). */
  | { kind: 'picture'; picture: 'heatmap'; alt: string };

export interface ReportDocument {
  titleBlock: {
    superior?: string;
    body: string;
    number: string;
    party: string;
    placeDate: string;
    title: string;
    subtitle: string;
  };
  meta: string[];
  blocks: Block[];
  signature: { recipients: string; recipientsList: string[]; signFor: string; signHint: string };
}

const FALLING = 5;
const LEAST_REACHED = 3;

export function reportDocument(report: SituationReport, locale: Locale): ReportDocument {
  const f = reportFormat(report, locale);
  const { t } = f;
  const body = report.issuer.body.toLocaleUpperCase('vi');
  return {
    titleBlock: {
      superior: report.issuer.superior?.toLocaleUpperCase('vi'),
      body,
      number: t('report.number'),
      party: t('report.party'),
      placeDate: placeDate(report, f),
      title: t('report.title'),
      subtitle: t('report.subtitle', { period: f.period(report.period) }),
    },
    meta: [
      t('report.scopeLine', { unit: f.unit(report.scope) }),
      t('report.periodLine', { range: f.range(report.period), previous: f.range(report.previous) }),
      t('report.generatedLine', { time: f.dateTime(report.generatedAt), timezone: report.timezone }),
    ],
    blocks: [
      { kind: 'heading', level: 1, text: t('report.md.general') },
      ...moodBlocks(report, f),
      ...directiveBlocks(report, f),
      { kind: 'heading', level: 1, text: t('report.md.topics') },
      ...topicBlocks(report, f),
      ...heatThemeBlocks(report, f),
      { kind: 'heading', level: 1, text: t('report.md.hotspots') },
      ...hotspotBlocks(report, f),
      ...loopBlocks(report, f),
      { kind: 'heading', level: 1, text: t('report.md.proposals') },
      { kind: 'numbered', items: proposals(report).map((p) => proposalText(p, f)) },
      { kind: 'note', text: t('report.anonymityNote', { k: report.minAnswers }) },
      { kind: 'note', text: t('report.md.footer') },
    ],
    signature: {
      recipients: t('report.recipients'),
      recipientsList: t('report.recipientsList').split('\n'),
      signFor: t('report.signFor', { body: body.split(/\s+/).slice(0, 2).join(' ') }),
      signHint: t('report.signHint'),
    },
  };
}

/** "Thái Bình, ngày 05 tháng 02 năm 2024": day below 10 and month below 3 take a leading zero. */
function placeDate(report: SituationReport, f: ReportFormat): string {
  const { year, month, day } = localParts(report.generatedAt, report.timezone);
  const date =
    f.locale === 'vi'
      ? f.t('report.date', {
          day: String(day).padStart(2, '0'),
          month: month < 3 ? `0${month}` : month,
          year,
        })
      : f.t('report.date', {
          day,
          month: new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(
            new Date(Date.UTC(year, month - 1, 1)),
          ),
          year,
        });
  return report.issuer.place ? `${report.issuer.place}, ${date}` : date;
}

const hasWithheld = (rows: string[][], f: ReportFormat) =>
  rows.some((row) => row.includes(f.t('report.withheldCell')));

function withNote(
  table: Extract<Block, { kind: 'table' }>,
  report: SituationReport,
  f: ReportFormat,
): Block[] {
  return hasWithheld(table.rows, f)
    ? [table, { kind: 'note', text: f.t('report.withheldNote', { k: report.minAnswers }) }]
    : [table];
}

function changeCell(f: ReportFormat, current: Figure, previous: Figure): string {
  return f.cell(change(current, previous), f.signed);
}

function pulseRow(f: ReportFormat, label: string, row: PulseFigures): string[] {
  return [
    label,
    f.int(row.invited),
    f.cell(row.answers, f.int),
    f.cell(participation(row), f.percent),
    f.cell(row.mean),
    f.cell(row.previousMean),
    changeCell(f, row.mean, row.previousMean),
  ];
}

function moodBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const { t } = f;
  const { pulses } = report;
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: t('report.md.mood') }];
  if (pulses.polls === 0) return [...blocks, { kind: 'paragraph', text: t('report.pulses.none') }];
  const { overall } = pulses;
  blocks.push({
    kind: 'paragraph',
    text: t('report.md.pulsesSummary', {
      polls: pulses.polls,
      answers: f.cell(overall.answers, f.int),
      invited: f.int(overall.invited),
      rate: f.cell(participation(overall), f.percent),
      mean: f.cell(overall.mean),
      max: pulses.scale.max,
      change: versusPrevious(f, overall.mean, overall.previousMean),
    }),
  });
  const falling = fallingUnits(pulses, FALLING);
  if (falling.length > 0) {
    blocks.push({
      kind: 'bullets',
      items: [
        t('report.pulses.falling', {
          units: falling
            .map((row) => `${f.unit(row.unit)} ${f.decimal(row.previousMean)} → ${f.decimal(row.mean)}`)
            .join('; '),
        }),
      ],
    });
  }
  const table: Extract<Block, { kind: 'table' }> = {
    kind: 'table',
    header: [
      t('report.col.unit'),
      t('report.col.invited'),
      t('report.col.answers'),
      t('report.col.participation'),
      t('report.col.mean'),
      t('report.col.previousMean'),
      t('report.col.change'),
    ],
    rows: [
      pulseRow(f, t('report.wholeScope', { unit: f.unit(report.scope) }), overall),
      ...pulses.units.map((row) => pulseRow(f, f.unit(row.unit), row)),
    ],
    numeric: [false, true, true, true, true, true, true],
  };
  return [...blocks, ...withNote(table, report, f)];
}

function reachRow(f: ReportFormat, label: string, row: DirectiveReach): string[] {
  return [
    label,
    `${f.int(row.reachedChats)}/${f.int(row.chats)}`,
    f.percent(reachRate(row)),
    `${f.int(row.acknowledged)}/${f.int(row.members)}`,
    f.percent(ackRate(row)),
  ];
}

function directiveBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const { t } = f;
  const { directives } = report;
  const { overall } = directives;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: t('report.md.directives') },
    {
      kind: 'paragraph',
      text: t('report.md.directivesSummary', {
        directives: directives.directives,
        reached: f.int(overall.reachedChats),
        chats: f.int(overall.chats),
        reach: f.percent(reachRate(overall)),
        acknowledged: f.int(overall.acknowledged),
        members: f.int(overall.members),
        ack: f.percent(ackRate(overall)),
      }),
    },
  ];
  const least = leastReached(directives, LEAST_REACHED);
  if (least.length > 0) {
    const list = least
      .map((row) =>
        t('report.directives.unitShort', {
          unit: f.unit(row.unit),
          reach: f.percent(reachRate(row)),
          ack: f.percent(ackRate(row)),
        }),
      )
      .join('; ');
    blocks.push({ kind: 'bullets', items: [t('report.directives.least', { list })] });
  }
  if (directives.units.length > 0) {
    blocks.push({
      kind: 'table',
      header: [
        t('report.col.unit'),
        t('report.col.chats'),
        t('report.col.reach'),
        t('report.col.acknowledged'),
        t('report.col.ack'),
      ],
      rows: [
        reachRow(f, t('report.wholeScope', { unit: f.unit(report.scope) }), overall),
        ...directives.units.map((row) => reachRow(f, f.unit(row.unit), row)),
      ],
      numeric: [false, true, true, true, true],
    });
  }
  return blocks;
}

function topicBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const { t } = f;
  const { pulses, feedback } = report;
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: t('report.md.pulseTopics') }];
  if (pulses.topics.length === 0) blocks.push({ kind: 'paragraph', text: t('report.md.noRows') });
  else {
    const table: Extract<Block, { kind: 'table' }> = {
      kind: 'table',
      header: [
        t('report.col.topic'),
        t('report.col.polls'),
        t('report.col.answers'),
        t('report.col.mean'),
        t('report.col.previousMean'),
        t('report.col.change'),
      ],
      rows: pulses.topics.map((row) => [
        row.topic.name,
        f.int(row.polls),
        f.cell(row.answers, f.int),
        f.cell(row.mean),
        f.cell(row.previousMean),
        changeCell(f, row.mean, row.previousMean),
      ]),
      numeric: [false, true, true, true, true, true],
    };
    blocks.push(...withNote(table, report, f));
  }

  blocks.push({ kind: 'heading', level: 2, text: t('report.md.feedbackTopics') });
  if (feedback.total.kind === 'none') {
    blocks.push({ kind: 'paragraph', text: t('report.feedback.none') });
    return blocks;
  }
  blocks.push({
    kind: 'paragraph',
    text: t('report.md.feedbackSummary', { total: f.cell(feedback.total, f.int) }),
  });
  if (feedback.topics.length > 0) {
    const table: Extract<Block, { kind: 'table' }> = {
      kind: 'table',
      header: [t('report.col.topic'), t('report.col.messages')],
      rows: feedback.topics.map((row) => [row.topic.name, f.cell(row.messages, f.int)]),
      numeric: [false, true],
    };
    blocks.push(...withNote(table, report, f));
  }
  return blocks;
}

function hotspotBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const { t } = f;
  const { hotspots } = report;
  const open = SEVERITIES.map((s) => `${f.severity(s)} ${hotspots.openBySeverity[s]}`).join(', ');
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: t('report.md.hotspotSummary') },
    {
      kind: 'paragraph',
      text: t('report.md.hotspotsSummary', {
        opened: hotspots.opened,
        acknowledged: hotspots.acknowledged,
        resolved: hotspots.resolved,
        ack: f.duration(hotspots.medianAckMinutes),
        resolve: f.duration(hotspots.medianResolveMinutes),
      }),
    },
    { kind: 'paragraph', text: t('report.md.openLine', { list: open }) },
  ];
  if (hotspots.units.length > 0) {
    blocks.push({
      kind: 'table',
      header: [t('report.col.unit'), t('report.col.incidents'), t('report.col.open')],
      rows: hotspots.units.map((row) => [f.unit(row.unit), f.int(row.opened), f.int(row.open)]),
      numeric: [false, true, true],
    });
  }
  blocks.push({ kind: 'heading', level: 2, text: t('report.md.hotspotTopics') });
  const topics = topTopics(hotspots, hotspots.topics.length);
  const verdicts = new Map((hotspots.falseAlarms ?? []).map((row) => [row.topic.key, row]));
  const judgedCells = (key: string): string[] => {
    const row = verdicts.get(key);
    return row
      ? [f.int(row.judged), `${f.int(row.falseAlarms)} (${f.percent(row.falseAlarms / row.judged)})`]
      : ['', ''];
  };
  blocks.push(
    topics.length === 0
      ? { kind: 'paragraph', text: t('report.chart.noTopics') }
      : verdicts.size === 0
        ? {
            kind: 'table',
            header: [t('report.col.topic'), t('report.col.incidents')],
            rows: topics.map((row) => [row.topic.name, f.int(row.incidents)]),
            numeric: [false, true],
          }
        : {
            kind: 'table',
            header: [
              t('report.col.topic'),
              t('report.col.incidents'),
              t('report.col.judged'),
              t('report.col.falseAlarms'),
            ],
            rows: topics.map((row) => [row.topic.name, f.int(row.incidents), ...judgedCells(row.topic.key)]),
            numeric: [false, true, true, true],
          },
  );
  if (verdicts.size > 0) blocks.push({ kind: 'note', text: t('report.md.verdictsNote') });
  if (hotspots.notable.length > 0) {
    blocks.push(
      { kind: 'heading', level: 2, text: t('report.md.hotspotList') },
      {
        kind: 'table',
        header: [
          t('report.col.openedAt'),
          t('report.col.unit'),
          t('report.col.topic'),
          t('report.col.severity'),
          t('report.col.hits'),
          t('report.col.status'),
        ],
        rows: hotspots.notable.map((row) => [
          f.dateTime(row.openedAt),
          f.unit(row.unit),
          row.topic.name,
          f.severity(row.severity),
          f.int(row.hits),
          t(`report.status.${row.status}`),
        ]),
        numeric: [false, false, false, false, true, false],
      },
    );
  }
  return blocks;
}
