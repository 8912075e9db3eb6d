import type { Locale } from '../../kernel/i18n';
import { formatDate, formatDateTime, localParts } from '../../kernel/time';
import { type Translate, translator } from '../../messages';
import { change } from './derive';
import type { Figure, Period, ReportUnit, Severity, SituationReport } from './model';

const ROMAN = ['I', 'II', 'III', 'IV'];
const MINUS = '−';

/** Numbers, dates and figures written the way the reader's language writes them. */
export interface ReportFormat {
  locale: Locale;
  t: Translate;
  int(n: number): string;
  decimal(n: number): string;
  percent(ratio: number | null): string;
  /** A figure as a table cell: the number, the withheld mark, or a dash. */
  cell(figure: Figure, write?: (n: number) => string): string;
  /** "▲ 0,3", "▼ 0,6" or "không đổi". */
  change(delta: number): string;
  /** "+0,3" / "−0,6" for tables. */
  signed(delta: number): string;
  date(at: Date): string;
  dateTime(at: Date): string;
  /** The period's name: "quý I/2024", "tháng 3/2024", "tuần 04/03–10/03/2024". */
  period(period: Period): string;
  /** First and last day: "01/01/2024–31/03/2024". */
  range(period: { from: Date; to: Date }): string;
  duration(minutes: number | null): string;
  unit(unit: ReportUnit): string;
  severity(severity: Severity): string;
  /** ISO day in the report's time zone, for CSV: "2024-03-31". */
  isoDate(at: Date): string;
}

export function reportFormat(report: Pick<SituationReport, 'timezone'>, locale: Locale): ReportFormat {
  const t = translator(locale);
  const tag = locale === 'vi' ? 'vi-VN' : 'en-GB';
  const ints = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const decimals = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percents = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const monthNames = new Intl.DateTimeFormat('en-GB', { timeZone: report.timezone, month: 'long' });
  const parts = (at: Date) => localParts(at, report.timezone);
  const date = (at: Date) => formatDate(at, report.timezone);
  const lastDay = (to: Date) => new Date(to.getTime() - 1);
  const wholePeriod = (period: Period): string => {
    const first = parts(period.from);
    const last = lastDay(period.to);
    switch (period.kind) {
      case 'quarter': {
        const quarter = Math.floor((first.month - 1) / 3);
        return t('report.period.quarter', {
          quarter: locale === 'vi' ? ROMAN[quarter]! : quarter + 1,
          year: first.year,
        });
      }
      case 'month':
        return t('report.period.month', {
          month: locale === 'vi' ? first.month : monthNames.format(period.from),
          year: first.year,
        });
      case 'week':
        return t('report.period.week', { from: date(period.from).slice(0, 5), to: date(last) });
      case 'day':
        return t('report.period.day', { date: date(period.from) });
      default:
        return t('report.period.custom', { from: date(period.from), to: date(last) });
    }
  };
  const decimal = (n: number) => decimals.format(n).replace('-', MINUS);

  return {
    locale,
    t,
    int: (n) => ints.format(n),
    decimal,
    percent: (ratio) => (ratio === null ? t('report.none') : percents.format(ratio)),
    cell(figure, write = decimal) {
      if (figure.kind === 'withheld') return t('report.withheldCell');
      if (figure.kind === 'none') return t('report.none');
      return write(figure.value);
    },
    change(delta) {
      const rounded = Math.round(delta * 10) / 10;
      if (rounded === 0) return t('report.unchanged');
      return `${rounded > 0 ? '▲' : '▼'} ${decimals.format(Math.abs(rounded))}`;
    },
    signed(delta) {
      const rounded = Math.round(delta * 10) / 10;
      if (rounded === 0) return decimals.format(0);
      return `${rounded > 0 ? '+' : MINUS}${decimals.format(Math.abs(rounded))}`;
    },
    date,
    dateTime: (at) => formatDateTime(at, report.timezone),
    period(period) {
      const whole = wholePeriod(period);
      return period.soFar ? `${whole} ${t('report.period.soFar')}` : whole;
    },
    range: (period) => `${date(period.from)}–${date(lastDay(period.to))}`,
    duration(minutes) {
      if (minutes === null) return t('report.none');
      const total = Math.round(minutes);
      if (total < 60) return t('report.duration.minutes', { m: total });
      if (total < 24 * 60) return t('report.duration.hours', { h: Math.floor(total / 60), m: total % 60 });
      return t('report.duration.days', {
        d: Math.floor(total / (24 * 60)),
        h: Math.floor((total % (24 * 60)) / 60),
      });
    },
    unit: (unit) => `${unit.name} (${unit.code})`,
    severity: (severity) => t(`report.severity.${severity}`),
    isoDate(at) {
      const { year, month, day } = parts(at);
      return `${year}-${pad(month)}-${pad(day)}`;
    },
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "bao-cao-dlxh-CTY-2024-01-01" plus the extension: ASCII, so every platform and OS keeps it. */
export function reportFileName(report: SituationReport, extension: string): string {
  const { year, month, day } = localParts(report.period.from, report.timezone);
  const code = report.scope.code.replace(/[^A-Za-z0-9_-]/g, '');
  return `bao-cao-dlxh-${code}-${year}-${pad(month)}-${pad(day)}.${extension}`;
}

/** "▼ 0,4 so với kỳ trước", or why there is no change to show. */
export function versusPrevious(f: ReportFormat, mean: Figure, previous: Figure): string {
  const delta = change(mean, previous);
  if (delta.kind === 'value') return f.t('report.vsPrevious', { change: f.change(delta.value) });
  return delta.kind === 'withheld' ? f.t('report.withheld') : f.t('report.noPrevious');
}
