import { z } from 'zod';
import { REPORT_FORMATS, REPORT_PERIODS, REPORT_RECIPIENTS } from '../../../db/schema/reports';
import { isSimpleCron } from '../../kernel/cron';
import { UNIT_CODE_PATTERN } from '../../kernel/units';

/** The `reports:` section: situation reports sent on a schedule. */

const KEY = /^[a-z0-9][a-z0-9._-]*$/;
const got = (input: unknown) => (input === undefined ? '(missing)' : `(got ${JSON.stringify(input)})`);
const pattern = (regex: RegExp) =>
  z.string().regex(regex, { error: (issue) => `must match ${regex.source} ${got(issue.input)}` });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `must be one of ${values.join(', ')} ${got(issue.input)}` });

/**
 * `{ id, cron, unit | each_child_of, to, period, format }`: when `cron` fires, the report of the
 * last complete `period` for `unit` (or for each child of `each_child_of`, one report each) goes
 * to that unit's `leaders`, or to the `admins` over it, in a private message.
 */
export const reportScheduleSchema = z
  .strictObject({
    id: pattern(KEY),
    cron: z.string().refine(isSimpleCron, {
      error: (issue) =>
        `must be a cron pattern such as "0 8 * * 1" (minute hour day month weekday; no L or #) ${got(issue.input)}`,
    }),
    unit: pattern(UNIT_CODE_PATTERN).optional(),
    each_child_of: pattern(UNIT_CODE_PATTERN).optional(),
    to: oneOf(REPORT_RECIPIENTS),
    period: oneOf(REPORT_PERIODS).default('week'),
    format: oneOf(REPORT_FORMATS).default('chat'),
  })
  .superRefine((report, ctx) => {
    if ((report.unit === undefined) === (report.each_child_of === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: 'give exactly one of unit (one report) or each_child_of (one report per child unit)',
      });
  });

export type ScenarioReport = z.output<typeof reportScheduleSchema>;
