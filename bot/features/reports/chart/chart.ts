import type { Locale } from '../../../kernel/i18n';
import { circle, FONT_FAMILY, line, polyline, rect, text, textWidth, truncate } from '../../../kernel/svg';
import { type ReportFormat, reportFormat } from '../format';
import type { SituationReport } from '../model';

/** A phone screen is about 1080 physical pixels wide; sizes below are for that width. */
export const CHART_WIDTH = 1080;
const PAD = 48;
const INNER = CHART_WIDTH - 2 * PAD;
const MAX_SERIES = 8;
const MAX_TOPICS = 10;
/** Past this many points per line the markers would hide the line; lone points keep theirs. */
const MAX_MARKED_POINTS = 26;
const SIZE = { title: 40, heading: 36, label: 30, small: 26 };
const MUTED = '#5f6b7a';
const GRID = '#dde2ea';
/** Okabe–Ito, distinguishable with the common colour-vision deficiencies (yellow darkened). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#1c2430', '#8C7A00'];
const BAR = '#B3261E';

interface Panel {
  height: number;
  body: string[];
}

/**
 * The report's chart as SVG: mood per unit over time (lines; a withheld point is a gap, never a
 * value) above hot spots per topic (bars). Everything is drawn in user units of a 1080-wide canvas.
 */
export function chartSvg(report: SituationReport, locale: Locale): string {
  const f = reportFormat(report, locale);
  let y = PAD;
  const parts: string[] = [];
  parts.push(
    text(PAD, y + SIZE.title, truncate(f.unit(report.scope), INNER, SIZE.title), {
      size: SIZE.title,
      weight: 'bold',
    }),
  );
  y += SIZE.title + 16;
  parts.push(text(PAD, y + SIZE.label, f.period(report.period), { size: SIZE.label, fill: MUTED }));
  y += SIZE.label + 40;

  for (const panel of [trendPanel(report, f), topicPanel(report, f)]) {
    parts.push(`<g transform="translate(0 ${y})">`, ...panel.body, '</g>');
    y += panel.height + 48;
  }
  const note = f.t('report.anonymityNote', { k: report.minAnswers });
  for (const row of wrap(note, INNER, SIZE.small)) {
    parts.push(text(PAD, y + SIZE.small, row, { size: SIZE.small, fill: MUTED }));
    y += SIZE.small + 10;
  }
  const height = Math.ceil(y + PAD);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" font-family="${FONT_FAMILY}">`,
    rect(0, 0, CHART_WIDTH, height, '#ffffff'),
    ...parts,
    '</svg>',
  ].join('\n');
}

function trendPanel(report: SituationReport, f: ReportFormat): Panel {
  const { trend, pulses } = report;
  const granularity = f.t(`report.granularity.${trend.granularity}`);
  const body = [
    text(PAD, SIZE.heading, f.t('report.chart.trendTitle', { granularity }), {
      size: SIZE.heading,
      weight: 'bold',
    }),
  ];
  const top = SIZE.heading + 32;
  const series = trend.series.slice(0, MAX_SERIES);
  const anyValue = series.some((s) => s.points.some((p) => p.kind === 'value'));
  if (!anyValue || trend.buckets.length === 0) {
    body.push(text(PAD, top + SIZE.label, f.t('report.chart.noTrend'), { size: SIZE.label, fill: MUTED }));
    return { height: top + SIZE.label + 8, body };
  }

  const { min, max } = pulses.scale;
  const plot = { left: PAD + 64, right: CHART_WIDTH - PAD - 16, top: top + 16, height: 520 };
  const bottom = plot.top + plot.height;
  const yOf = (value: number) => bottom - ((value - min) / (max - min)) * plot.height;
  const count = trend.buckets.length;
  const xOf = (index: number) =>
    count === 1 ? (plot.left + plot.right) / 2 : plot.left + (index / (count - 1)) * (plot.right - plot.left);

  for (let value = min; value <= max; value += 1) {
    body.push(line(plot.left, yOf(value), plot.right, yOf(value), GRID, 2));
    body.push(
      text(plot.left - 16, yOf(value) + 10, f.int(value), { size: SIZE.label, anchor: 'end', fill: MUTED }),
    );
  }
  const labels = trend.buckets.map((bucket) => bucketLabel(bucket.from, trend.granularity, f));
  const widest = Math.max(...labels.map((label) => textWidth(label, SIZE.small)));
  const step = Math.max(1, Math.ceil((widest + 24) / ((plot.right - plot.left) / Math.max(1, count - 1))));
  labels.forEach((label, index) => {
    if (index % step !== 0) return;
    body.push(line(xOf(index), bottom, xOf(index), bottom + 10, MUTED, 2));
    body.push(text(xOf(index), bottom + 44, label, { size: SIZE.small, anchor: 'middle', fill: MUTED }));
  });

  series.forEach((s, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    let run: [number, number][] = [];
    const flush = () => {
      if (run.length > 1) body.push(polyline(run, colour, 6));
      run = [];
    };
    s.points.forEach((point, i) => {
      if (point.kind === 'value' && i < count) run.push([xOf(i), yOf(point.value)]);
      else flush();
    });
    flush();
    const isValue = (i: number) => s.points[i]?.kind === 'value';
    s.points.forEach((point, i) => {
      if (point.kind !== 'value' || i >= count) return;
      const isolated = !isValue(i - 1) && !isValue(i + 1);
      if (count <= MAX_MARKED_POINTS || isolated)
        body.push(circle(xOf(i), yOf(point.value), 8, colour, '#ffffff'));
    });
  });

  let y = bottom + 110;
  series.forEach((s, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const hidden = s.points.every((p) => p.kind !== 'value');
    const withheld = s.points.some((p) => p.kind === 'withheld');
    const label = hidden && withheld ? `${f.unit(s.unit)}: ${f.t('report.withheld')}` : f.unit(s.unit);
    body.push(rect(PAD, y - 22, 40, 10, hidden ? GRID : colour, 4));
    for (const row of wrap(label, INNER - 56, SIZE.label).slice(0, 2)) {
      body.push(
        text(PAD + 56, y - 6, truncate(row, INNER - 56, SIZE.label), {
          size: SIZE.label,
          fill: hidden ? MUTED : undefined,
        }),
      );
      y += SIZE.label + 12;
    }
    y += 4;
  });
  if (trend.series.length > MAX_SERIES) {
    body.push(
      text(PAD, y - 6, f.t('report.chart.moreUnits', { n: trend.series.length - MAX_SERIES }), {
        size: SIZE.small,
        fill: MUTED,
      }),
    );
    y += SIZE.small + 16;
  }
  if (series.some((s) => s.points.some((p) => p.kind === 'withheld'))) {
    body.push(text(PAD, y - 6, f.t('report.chart.trendGap'), { size: SIZE.small, fill: MUTED }));
    y += SIZE.small + 16;
  }
  return { height: y, body };
}

function topicPanel(report: SituationReport, f: ReportFormat): Panel {
  const topics = report.hotspots.topics
    .filter((row) => row.incidents > 0)
    .sort((a, b) => b.incidents - a.incidents);
  const body = [
    text(PAD, SIZE.heading, f.t('report.chart.topicsTitle'), { size: SIZE.heading, weight: 'bold' }),
  ];
  let y = SIZE.heading + 32;
  if (topics.length === 0) {
    body.push(text(PAD, y + SIZE.label, f.t('report.chart.noTopics'), { size: SIZE.label, fill: MUTED }));
    return { height: y + SIZE.label + 8, body };
  }
  const shown = topics.slice(0, MAX_TOPICS);
  const most = Math.max(...shown.map((row) => row.incidents));
  const labelWidth = 380;
  const barLeft = PAD + labelWidth + 16;
  const barMax = CHART_WIDTH - PAD - barLeft - 72;
  for (const row of shown) {
    const width = Math.max(6, (row.incidents / most) * barMax);
    body.push(text(PAD, y + 38, truncate(row.topic.name, labelWidth, SIZE.label), { size: SIZE.label }));
    body.push(rect(barLeft, y + 6, width, 44, BAR, 6));
    body.push(text(barLeft + width + 14, y + 40, f.int(row.incidents), { size: SIZE.label, weight: 'bold' }));
    y += 64;
  }
  if (topics.length > MAX_TOPICS) {
    body.push(
      text(PAD, y + 30, f.t('report.moreTopics', { n: topics.length - MAX_TOPICS }), {
        size: SIZE.small,
        fill: MUTED,
      }),
    );
    y += 48;
  }
  return { height: y, body };
}

/** "04/03" for a week (its first day), "03/24" for a month. */
function bucketLabel(from: Date, granularity: 'week' | 'month', f: ReportFormat): string {
  const day = f.date(from);
  return granularity === 'week' ? day.slice(0, 5) : `${day.slice(3, 5)}/${day.slice(8, 10)}`;
}

function wrap(content: string, width: number, size: number): string[] {
  const rows: string[] = [];
  let current = '';
  for (const word of content.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (textWidth(next, size) > width && current) {
      rows.push(current);
      current = word;
    } else current = next;
  }
  if (current) rows.push(current);
  return rows;
}
