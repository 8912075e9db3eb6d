import type { MessageKey } from '../messages';

/**
 * A specific reason an argument is wrong, thrown by a command's `parse`: the dispatcher audits it
 * as usage and answers this message (followed by the command's usage) instead of the usage alone.
 */
export class UsageProblem extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

export type FlagSpec = Record<string, 'switch' | 'value'>;

/**
 * `--name value --switch …` → the flags given. Refused, naming the flag: an unknown flag, one given
 * twice, a value missing. Tokens are split on whitespace; the edge has already turned autocorrected
 * dashes into `--`.
 */
export function readFlags(text: string, spec: FlagSpec): Record<string, string | true> {
  const tokens = text.split(/\s+/).filter(Boolean);
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const name = token.startsWith('--') ? token.slice(2) : undefined;
    const kind = name === undefined ? undefined : spec[name];
    if (name === undefined || kind === undefined || !Object.hasOwn(spec, name)) {
      throw new UsageProblem('flags.unknown', {
        flag: token,
        known: Object.keys(spec)
          .map((f) => `--${f}`)
          .join(' '),
      });
    }
    if (Object.hasOwn(flags, name)) throw new UsageProblem('flags.repeated', { flag: token });
    if (kind === 'switch') {
      flags[name] = true;
      continue;
    }
    const value = tokens[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageProblem('flags.missingValue', { flag: token });
    flags[name] = value;
  }
  return flags;
}

/** A plain decimal integer (no 0x10, 1e3, +5 or 07.0). */
export function decimalInteger(flag: string, value: string): number {
  if (!/^-?\d{1,9}$/.test(value)) throw new UsageProblem('flags.notDecimal', { flag, value });
  return Number(value);
}
