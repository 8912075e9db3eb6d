import type { Locale } from '../../kernel/i18n';
import { ackRate, change, openIncidents, participation, reachRate } from './derive';
import { reportFormat } from './format';
import { heatThemeCsvRows } from './heat-themes';
import type { DirectiveReach, Figure, Period, PulseFigures, ReportUnit, SituationReport } from './model';

/** Excel reads UTF-8 only when the file starts with a byte order mark. */
const BOM = '\uFEFF';

type Cell = string | number | null;

/** RFC 4180: quote fields with a comma, quote or line break; double the quotes; CRLF rows. */
function field(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A name starting like a formula would run as one in a spreadsheet; a leading ' keeps it text. */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const percent = (ratio: number | null) => (ratio === null ? null : round(ratio * 100, 1));

interface UnitFigures {
  unit: ReportUnit;
  pulse?: PulseFigures;
  reach?: DirectiveReach;
  incidents?: { opened: number; open: number };
  /** Leaders' verdicts on the scope's incidents (the scope row only: they are kept per topic, not unit). */
  verdicts?: { judged: number; falseAlarms: number };
}

/**
 * The numbers, one row per unit and period: first the report period (the scope, then each
 * unit), then the trend buckets (mean only). Numbers use a decimal point; withheld cells say so
 * in words, empty cells mean there was nothing to measure.
 */
export function renderCsv(report: SituationReport, locale: Locale): string {
  const f = reportFormat(report, locale);
  const withheld = f.t('report.withheld');
  const figure = (value: Figure, write: (n: number) => number | null): Cell =>
    value.kind === 'withheld' ? withheld : value.kind === 'none' ? null : write(value.value);

  const periodCells = (period: Period): Cell[] => [
    text(f.period(period)),
    f.t(`report.granularity.${period.kind}`),
    f.isoDate(period.from),
    f.isoDate(new Date(period.to.getTime() - 1)),
  ];

  const header = [
    f.t('report.col.code'),
    f.t('report.col.unit'),
    f.t('report.col.period'),
    f.t('report.col.granularity'),
    f.t('report.col.from'),
    f.t('report.col.to'),
    f.t('report.col.invited'),
    f.t('report.col.answers'),
    `${f.t('report.col.participation')} (%)`,
    f.t('report.col.mean'),
    f.t('report.col.change'),
    `${f.t('report.col.directiveReach')} (%)`,
    `${f.t('report.col.directiveAck')} (%)`,
    f.t('report.col.incidentsOpened'),
    f.t('report.col.incidentsOpen'),
    f.t('report.col.judged'),
    f.t('report.col.falseAlarms'),
  ];

  const reportRow = (row: UnitFigures): Cell[] => [
    text(row.unit.code),
    text(row.unit.name),
    ...periodCells(report.period),
    row.pulse ? row.pulse.invited : null,
    row.pulse ? figure(row.pulse.answers, (n) => n) : null,
    row.pulse ? figure(participation(row.pulse), (n) => percent(n)) : null,
    row.pulse ? figure(row.pulse.mean, (n) => round(n, 2)) : null,
    row.pulse ? figure(change(row.pulse.mean, row.pulse.previousMean), (n) => round(n, 2)) : null,
    row.reach ? percent(reachRate(row.reach)) : null,
    row.reach ? percent(ackRate(row.reach)) : null,
    row.incidents?.opened ?? null,
    row.incidents?.open ?? null,
    row.verdicts?.judged ?? null,
    row.verdicts?.falseAlarms ?? null,
  ];

  const scope: UnitFigures = {
    unit: report.scope,
    pulse: report.pulses.overall,
    reach: report.directives.overall,
    incidents: { opened: report.hotspots.opened, open: openIncidents(report.hotspots) },
    verdicts: report.hotspots.falseAlarms?.length
      ? {
          judged: report.hotspots.falseAlarms.reduce((sum, row) => sum + row.judged, 0),
          falseAlarms: report.hotspots.falseAlarms.reduce((sum, row) => sum + row.falseAlarms, 0),
        }
      : undefined,
  };
  const rows: Cell[][] = [header, reportRow(scope), ...unitFigures(report).map(reportRow)];

  const { trend } = report;
  for (const series of trend.series) {
    series.points.forEach((point, index) => {
      const bucket = trend.buckets[index];
      if (!bucket) return;
      rows.push([
        text(series.unit.code),
        text(series.unit.name),
        ...periodCells({ kind: trend.granularity, ...bucket }),
        null,
        null,
        null,
        figure(point, (n) => round(n, 2)),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
    });
  }
  rows.push(...heatThemeCsvRows(report, f, text));
  return (
    BOM +
    rows
      .map((row) => `${row.map(field).join(',')}\r\n`)
      .join('')
      .normalize('NFC')
  );
}

/** Each section's unit rows joined by unit, in the order pulses list them, then the others. */
function unitFigures(report: SituationReport): UnitFigures[] {
  const byId = new Map<number, UnitFigures>();
  const entry = (unit: ReportUnit) => {
    let found = byId.get(unit.id);
    if (!found) {
      found = { unit };
      byId.set(unit.id, found);
    }
    return found;
  };
  for (const row of report.pulses.units) entry(row.unit).pulse = row;
  for (const row of report.directives.units) entry(row.unit).reach = row;
  for (const row of report.hotspots.units) entry(row.unit).incidents = row;
  return [...byId.values()];
}
