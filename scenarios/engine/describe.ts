import type { DirectiveValues } from '../../bot/features/directives';
import { describeReportScheduleChange } from '../../bot/features/reports';
import { describeRequestScheduleChange } from '../../bot/features/situation-reports';
import { formatDateTime } from '../../bot/kernel/time';
import type { KeptUnit, ScenarioChange } from './changes';
import { DEFAULT_TIMEZONE } from './plan';

const ROOT = '(root)';

/** One line per change (the lexicon: one per topic or term), diff style: `+` added, `-` removed, `~` changed. */
export function describeChange(change: ScenarioChange): string {
  return describeChangeIn(change, DEFAULT_TIMEZONE);
}

/** As describeChange, with times shown in `timezone` (the zone the file's times are read in). */
export function describeChangeIn(change: ScenarioChange, timezone: string): string {
  switch (change.kind) {
    case 'create_unit':
      return `+ unit ${change.code} "${change.name}" ${change.parent ? `under ${change.parent}` : ROOT}`;
    case 'update_unit': {
      const parts = [
        change.name && `name "${change.name.from}" → "${change.name.to}"`,
        change.parent && `moved from ${change.parent.from ?? ROOT} to ${change.parent.to ?? ROOT}`,
      ];
      return `~ unit ${change.code}: ${parts.filter(Boolean).join(', ')}`;
    }
    case 'create_person':
      return `+ person ${change.key} "${change.name}"`;
    case 'adopt_person':
      return `~ person ${change.key} "${change.name}" (was ${change.previously}, first seen in a chat)`;
    case 'rename_person':
      return `~ person ${change.key}: name "${change.name.from}" → "${change.name.to}"`;
    case 'add_identity':
      return `+ account ${change.platform}:${change.externalId} → ${change.key}`;
    case 'move_identity':
      return `~ account ${change.platform}:${change.externalId} → ${change.key} (was ${change.from})`;
    case 'grant_role':
      return `+ role ${change.role} ${change.key} @ ${change.unit}`;
    case 'revoke_role':
      return `- role ${change.role} ${change.person} @ ${change.unit ?? '(organisation)'}`;
    case 'add_chat':
      return `+ chat ${change.platform}:${change.externalId} → ${change.unit}${change.title ? ` "${change.title}"` : ''}`;
    case 'bind_chat':
      return change.unit.from === null
        ? `+ chat ${change.platform}:${change.externalId} → ${change.unit.to}`
        : `~ chat ${change.platform}:${change.externalId} → ${change.unit.to} (was ${change.unit.from})`;
    case 'retitle_chat':
      return `~ chat ${change.platform}:${change.externalId}: title "${change.title.from ?? ''}" → "${change.title.to ?? ''}"`;
    case 'create_directive':
      return `+ directive ${change.key} "${change.values.title}" (${describeSchedule(change.values, timezone)})`;
    case 'update_directive':
      return `~ directive ${change.key}: ${change.fields.join(', ')}`;
    case 'cancel_directive':
      return `- directive ${change.key} "${change.title}" (cancelled: not in file)`;
    case 'create_poll_series':
      return `+ poll series ${change.key} "${change.values.question}" (cron ${change.values.cron})`;
    case 'update_poll_series':
      return `~ poll series ${change.key}: ${change.fields.join(', ')}`;
    case 'stop_poll_series':
      return `- poll series ${change.key} (stopped; past runs and results are kept)`;
    case 'create_report_schedule':
    case 'update_report_schedule':
    case 'stop_report_schedule':
      return describeReportScheduleChange(change);
    case 'create_request_schedule':
    case 'update_request_schedule':
    case 'stop_request_schedule':
      return describeRequestScheduleChange(change);
    case 'create_survey_template':
      return `+ survey template ${change.key} "${change.values.title}" (${
        change.values.bankSize
          ? `${change.values.bankSize} bank questions a run`
          : `${change.values.questions.length} questions`
      }${change.values.cron ? `, cron "${change.values.cron}"` : ''})`;
    case 'update_survey_template':
      return `~ survey template ${change.key}: ${change.fields.join(', ')}`;
    case 'stop_survey_template':
      return `- survey template ${change.key} (stopped; surveys already run keep their results)`;
    case 'replace_lexicon':
      return change.diff.join('\n');
  }
}

export function describeKept(unit: KeptUnit): string {
  return `= kept unit ${unit.code} "${unit.name}" (not in file)`;
}

/** "at 08:00 15/03/2027 Asia/Ho_Chi_Minh", "cron "0 8 1 * *" from 00:00 01/04/2027 until 23:59 31/12/2027 …". */
function describeSchedule(values: DirectiveValues, timezone: string): string {
  const local = (date: Date) => formatDateTime(date, timezone);
  if (values.scheduleKind === 'at') return values.at ? `at ${local(values.at)} ${timezone}` : 'at …';
  const bounds = [
    values.startsAt && `from ${local(values.startsAt)}`,
    values.endsAt && `until ${local(values.endsAt)}`,
  ].filter(Boolean);
  return [`cron "${values.cron}"`, ...bounds, timezone].join(' ');
}
