/** Unit codes as stored (upper case): what scenario files must write. */
export const UNIT_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
/** Unit codes as people type them in commands: any case, read as upper case. */
export const TYPED_UNIT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/i;

/** A unit code typed in a command, in its stored form, or null when it cannot be one. */
export function parseUnitCode(typed: string): string | null {
  return TYPED_UNIT_CODE_PATTERN.test(typed) ? typed.toUpperCase() : null;
}
