import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../../db/client';
import { reportSchedules } from '../../../../db/schema';
import { nextCronRun } from '../../../kernel/cron';
import type { ScenarioReport } from '../scenario-schema';

export interface ReportScheduleValues {
  cron: string;
  unitCode: string | null;
  eachChildOf: string | null;
  recipients: ScenarioReport['to'];
  period: ScenarioReport['period'];
  format: ScenarioReport['format'];
  active: boolean;
}

export type ReportScheduleChange =
  | { kind: 'create_report_schedule'; key: string; values: ReportScheduleValues }
  | { kind: 'update_report_schedule'; key: string; fields: string[]; values: ReportScheduleValues }
  /** The file no longer lists it: it stops; the reports already sent stay in the ledger. */
  | { kind: 'stop_report_schedule'; key: string };

const FIELDS = ['cron', 'unitCode', 'eachChildOf', 'recipients', 'period', 'format', 'active'] as const;

const valuesOf = (report: ScenarioReport): ReportScheduleValues => ({
  cron: report.cron,
  unitCode: report.unit ?? null,
  eachChildOf: report.each_child_of ?? null,
  recipients: report.to,
  period: report.period,
  format: report.format,
  active: true,
});

/** The file owns the schedules it names: new ids are created, changed ones updated, missing ones stopped. */
export async function planReportSchedules(
  db: DbOrTx,
  scenario: { reports: readonly ScenarioReport[] },
): Promise<ReportScheduleChange[]> {
  const existing = new Map((await db.select().from(reportSchedules)).map((row) => [row.key, row]));
  const changes: ReportScheduleChange[] = [];
  for (const report of scenario.reports) {
    const values = valuesOf(report);
    const current = existing.get(report.id);
    if (!current) {
      changes.push({ kind: 'create_report_schedule', key: report.id, values });
      continue;
    }
    const fields = FIELDS.filter((field) => current[field] !== values[field]);
    if (fields.length > 0) changes.push({ kind: 'update_report_schedule', key: report.id, fields, values });
  }
  const inFile = new Set(scenario.reports.map((report) => report.id));
  for (const row of existing.values()) {
    if (row.active && !inFile.has(row.key)) changes.push({ kind: 'stop_report_schedule', key: row.key });
  }
  return changes;
}

export async function applyReportScheduleChange(
  tx: Tx,
  change: ReportScheduleChange,
  options: { now: Date; timezone: string },
): Promise<void> {
  if (change.kind === 'stop_report_schedule') {
    await tx
      .update(reportSchedules)
      .set({ active: false, nextRunAt: null })
      .where(eq(reportSchedules.key, change.key));
    return;
  }
  const nextRunAt = nextCronRun(change.values.cron, options.now, options.timezone);
  if (change.kind === 'create_report_schedule') {
    await tx.insert(reportSchedules).values({ key: change.key, ...change.values, nextRunAt });
    return;
  }
  const reschedule = change.fields.includes('cron') || change.fields.includes('active');
  await tx
    .update(reportSchedules)
    .set({ ...change.values, ...(reschedule ? { nextRunAt } : {}) })
    .where(eq(reportSchedules.key, change.key));
}

export function describeReportScheduleChange(change: ReportScheduleChange): string {
  switch (change.kind) {
    case 'create_report_schedule': {
      const v = change.values;
      const unit = v.unitCode ?? `each child of ${v.eachChildOf}`;
      return `+ report ${change.key}: ${v.period} report of ${unit} to ${v.recipients} (cron ${v.cron}, ${v.format})`;
    }
    case 'update_report_schedule':
      return `~ report ${change.key}: ${change.fields.join(', ')}`;
    case 'stop_report_schedule':
      return `- report ${change.key} (stopped; reports already sent are kept)`;
  }
}
