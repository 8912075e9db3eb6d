import type { InboundEvent } from './types';

/** C0 and C1 control characters except tab and newline (NUL included): never stored, never shown. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Bidirectional embeddings, overrides and isolates: they can make a broadcast read backwards. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
/** Dashes a phone keyboard makes of "--" (figure/en/em dash, horizontal bar, minus, full-width). */
const DASH_FLAG =
  /(^|\s)[\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D][-\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]?(?=[a-z])/g;

/**
 * Text as Pulse keeps it: NFC, without control characters (a NUL would make PostgreSQL refuse the
 * row) and without direction overrides. Newlines and tabs stay.
 */
export function sanitizeText(text: string): string {
  return text.normalize('NFC').replace(CONTROL, '').replace(BIDI, '');
}

/** Whether text holds a control character that sanitizeText would strip (scenario files refuse them). */
export function hasControlCharacters(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/** `—units`, `–closes`, `—-dm` before a flag name read as `--units`, `--closes`, `--dm`. */
export function normalizeFlagDashes(args: string): string {
  return args.replace(DASH_FLAG, '$1--');
}

/**
 * The one edge every adapter's events pass (the event handler calls it first): every text a user
 * sends, their display name and the chat title are sanitised, and command arguments get their
 * autocorrected dashes back.
 */
export function sanitizeEvent(event: InboundEvent): InboundEvent {
  const from = {
    ...event.from,
    displayName: sanitizeText(event.from.displayName),
    ...(event.from.username === undefined ? {} : { username: sanitizeText(event.from.username) }),
  };
  const chat =
    event.chat.title === undefined ? event.chat : { ...event.chat, title: sanitizeText(event.chat.title) };
  switch (event.kind) {
    case 'command':
      return {
        ...event,
        from,
        chat,
        name: sanitizeText(event.name),
        args: normalizeFlagDashes(sanitizeText(event.args)),
      };
    case 'message':
      return { ...event, from, chat, text: sanitizeText(event.text) };
    case 'button':
      return { ...event, from, chat, data: sanitizeText(event.data) };
    default:
      return { ...event, from, chat };
  }
}
