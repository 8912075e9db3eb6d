/** Telegram's limit on callback data, the smallest of the platforms. */
export const MAX_BUTTON_DATA_BYTES = 64;

/**
 * A button's data, built and read in one place: `data(value)` makes "prefix:payload" for a button,
 * `read(payload)` turns what comes back (after "prefix:") into the value, or null for anything a
 * stale, forged or foreign button may carry. A feature keeps its codecs in its buttons.ts.
 */
export interface ButtonCodec<T> {
  readonly prefix: string;
  data(value: T): string;
  read(payload: string): T | null;
}

export function buttonCodec<T>(
  prefix: string,
  format: { encode(value: T): string; decode(payload: string): T | null },
): ButtonCodec<T> {
  if (!/^[a-z]{1,8}$/.test(prefix)) throw new Error(`button prefix "${prefix}": 1–8 lower-case letters`);
  return {
    prefix,
    data(value) {
      const data = `${prefix}:${format.encode(value)}`;
      if (Buffer.byteLength(data) > MAX_BUTTON_DATA_BYTES)
        throw new Error(`button data over 64 bytes: ${prefix}`);
      return data;
    },
    read: (payload) => format.decode(payload),
  };
}

/** A whole number as buttons carry it (ids): decimal digits only, no sign, no leading zeros. */
export function readId(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9]\d{0,14}$/.test(text)) return null;
  return Number(text);
}
