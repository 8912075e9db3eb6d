import type { Locale } from '../../kernel/i18n';
import { ackRate, change, fallingUnits, leastReached, participation, reachRate, topTopics } from './derive';
import { type ReportFormat, reportFormat, versusPrevious } from './format';
import { heatThemeLines } from './heat-themes';
import { loopLines } from './loop';
import { SEVERITIES, type SituationReport } from './model';
import { proposalText } from './proposal-text';
import { type Proposal, proposals } from './proposals';

/** Telegram's limit, the smallest of the platforms Pulse speaks to so far. */
export const CHAT_TEXT_LIMIT = 4096;
/** Unit rows tried in turn until the text fits the limit. */
const UNIT_ROW_STEPS = [12, 8, 5, 3, 0];
const TOP = 3;
const CHAT_PROPOSALS = 3;

/**
 * The report as one chat message: the overall picture first, a few unit rows, then what needs
 * attention. Withheld figures read "không đủ số trả lời để giữ ẩn danh", never a number.
 */
export function renderChatText(report: SituationReport, locale: Locale): string {
  const f = reportFormat(report, locale);
  for (const rows of UNIT_ROW_STEPS) {
    const text = compose(report, f, rows);
    if (text.length <= CHAT_TEXT_LIMIT) return text;
  }
  return `${compose(report, f, 0).slice(0, CHAT_TEXT_LIMIT - 1)}…`;
}

function compose(report: SituationReport, f: ReportFormat, unitRows: number): string {
  const { t } = f;
  const blocks = [
    [
      `📊 ${t('report.heading')}`,
      `${f.unit(report.scope)} · ${f.period(report.period)}`,
      t('report.periodLine', { range: f.range(report.period), previous: f.range(report.previous) }),
    ],
    pulseLines(report, f, unitRows),
    hotspotLines(report, f),
    directiveLines(report, f),
    feedbackLines(report, f),
    heatThemeLines(report, f),
    loopLines(report, f),
    proposalLines(proposals(report), f),
    [`ℹ️ ${t('report.anonymityNote', { k: report.minAnswers })}`],
  ];
  return blocks
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n');
}

function pulseLines(report: SituationReport, f: ReportFormat, unitRows: number): string[] {
  const { t } = f;
  const { pulses } = report;
  const lines = [`😊 ${t('report.pulses.heading', { polls: pulses.polls })}`];
  if (pulses.polls === 0) return [...lines, t('report.pulses.none')];
  const { overall } = pulses;
  if (overall.answers.kind === 'withheld') {
    lines.push(`• ${t('report.withheld')}`);
  } else {
    lines.push(
      `• ${t('report.pulses.participation', {
        answers: f.cell(overall.answers, f.int),
        invited: f.int(overall.invited),
        rate: f.cell(participation(overall), f.percent),
      })}`,
      `• ${
        overall.mean.kind === 'value'
          ? t('report.pulses.mean', {
              mean: f.decimal(overall.mean.value),
              max: pulses.scale.max,
              change: versusPrevious(f, overall.mean, overall.previousMean),
            })
          : t(overall.mean.kind === 'withheld' ? 'report.withheld' : 'report.noData')
      }`,
    );
  }
  const falling = fallingUnits(pulses, TOP);
  if (falling.length > 0) {
    const list = falling.map((row) => `${row.unit.name} (${f.signed(row.change)})`).join(', ');
    lines.push(`• ${t('report.pulses.falling', { units: list })}`);
  }
  if (unitRows > 0 && pulses.units.length > 0) {
    lines.push(t('report.pulses.byUnit'));
    for (const row of pulses.units.slice(0, unitRows)) {
      if (row.mean.kind === 'withheld' || row.answers.kind === 'withheld') {
        lines.push(`• ${f.unit(row.unit)}: ${t('report.withheld')}`);
        continue;
      }
      const delta = change(row.mean, row.previousMean);
      lines.push(
        `• ${t('report.pulses.unitRow', {
          unit: f.unit(row.unit),
          mean: f.cell(row.mean),
          change: delta.kind === 'value' ? f.change(delta.value) : t('report.none'),
          answers: f.cell(row.answers, f.int),
        })}`,
      );
    }
    const hidden = pulses.units.length - unitRows;
    if (hidden > 0) lines.push(t('report.andMore', { n: hidden }));
  }
  return lines;
}

function hotspotLines(report: SituationReport, f: ReportFormat): string[] {
  const { t } = f;
  const { hotspots } = report;
  const lines = [
    `🔥 ${t('report.hotspots.heading', {
      opened: hotspots.opened,
      acknowledged: hotspots.acknowledged,
      resolved: hotspots.resolved,
    })}`,
  ];
  if (hotspots.medianAckMinutes !== null || hotspots.medianResolveMinutes !== null) {
    lines.push(
      `• ${t('report.hotspots.times', {
        ack: f.duration(hotspots.medianAckMinutes),
        resolve: f.duration(hotspots.medianResolveMinutes),
      })}`,
    );
  }
  const open = SEVERITIES.filter((s) => hotspots.openBySeverity[s] > 0).map(
    (s) => `${f.severity(s)} ${hotspots.openBySeverity[s]}`,
  );
  lines.push(
    `• ${open.length > 0 ? t('report.hotspots.open', { list: open.join(', ') }) : t('report.hotspots.noneOpen')}`,
  );
  const topics = topTopics(hotspots, TOP);
  if (topics.length > 0) {
    const list = topics.map((row) => `${row.topic.name} (${row.incidents})`).join(', ');
    lines.push(`• ${t('report.hotspots.topics', { list })}`);
  }
  const judged = (hotspots.falseAlarms ?? []).slice(0, TOP);
  if (judged.length > 0) {
    const list = judged.map((row) => `${row.topic.name} ${row.falseAlarms}/${row.judged}`).join(', ');
    lines.push(`• ${t('report.hotspots.falseAlarms', { list })}`);
  }
  return lines;
}

function directiveLines(report: SituationReport, f: ReportFormat): string[] {
  const { t } = f;
  const { directives } = report;
  const { overall } = directives;
  const lines = [
    `📢 ${t('report.directives.heading', { directives: directives.directives })}`,
    `• ${t('report.directives.reach', {
      reached: f.int(overall.reachedChats),
      chats: f.int(overall.chats),
      reach: f.percent(reachRate(overall)),
      acknowledged: f.int(overall.acknowledged),
      members: f.int(overall.members),
      ack: f.percent(ackRate(overall)),
    })}`,
  ];
  const least = leastReached(directives, TOP);
  if (least.length > 0) {
    const list = least
      .map((row) =>
        t('report.directives.unitShort', {
          unit: row.unit.name,
          reach: f.percent(reachRate(row)),
          ack: f.percent(ackRate(row)),
        }),
      )
      .join('; ');
    lines.push(`• ${t('report.directives.least', { list })}`);
  }
  return lines;
}

function feedbackLines(report: SituationReport, f: ReportFormat): string[] {
  const { t } = f;
  const { feedback } = report;
  if (feedback.total.kind === 'none') return [`✉️ ${t('report.feedback.none')}`];
  const total = feedback.total.kind === 'withheld' ? t('report.withheld') : f.int(feedback.total.value);
  const lines = [`✉️ ${t('report.feedback.heading', { total })}`];
  const topics = feedback.topics.filter((row) => row.messages.kind !== 'none');
  if (topics.length > 0) {
    const list = topics
      .slice(0, 6)
      .map((row) =>
        row.messages.kind === 'value'
          ? `${row.topic.name} ${f.int(row.messages.value)}`
          : `${row.topic.name}: ${t('report.withheld')}`,
      )
      .join(' · ');
    const more = topics.length > 6 ? ` ${t('report.moreTopics', { n: topics.length - 6 })}` : '';
    lines.push(`• ${t('report.feedback.topics', { list })}${more}`);
  }
  return lines;
}

function proposalLines(list: Proposal[], f: ReportFormat): string[] {
  const urgent = list.filter((p) => p.kind !== 'steady').slice(0, CHAT_PROPOSALS);
  if (urgent.length === 0) return [];
  return [`⚠️ ${f.t('report.proposals.heading')}`, ...urgent.map((p) => `• ${proposalText(p, f)}`)];
}
