import { z } from 'zod';
import { UNIT_CODE_PATTERN } from './units';

/** Field builders every scenario section shares, so their error messages read the same. */

export { UNIT_CODE_PATTERN };
export const PERSON_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** "(got …)" or "(missing)", appended to every message so the author sees what was read. */
export const got = (input: unknown) => (input === undefined ? '(missing)' : `(got ${JSON.stringify(input)})`);

export const pattern = (regex: RegExp) =>
  z.string().regex(regex, { error: (issue) => `must match ${regex.source} ${got(issue.input)}` });

/** Free text: trimmed, not empty, NFC (the form Pulse stores). */
export const text = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .transform((value) => value.normalize('NFC'));

export const unitCode = pattern(UNIT_CODE_PATTERN);
export const personKey = pattern(PERSON_KEY_PATTERN);
