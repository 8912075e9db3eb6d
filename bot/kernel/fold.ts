/**
 * Folding for the hot-spot matcher (DESIGN.md "Hot spots"): NFD, strip U+0300–036F, đ/Đ → d,
 * lower case, runs of non-alphanumerics → one separator. `foldText` is the string form (terms,
 * the CLI, baselines); `FOLD` holds the same function per UTF-16 code unit, so the matcher can
 * fold while it scans, in one pass, with no intermediate string.
 */

const MARKS = /[\u0300-\u036f]/g;

/** `folded[c]`: the folded code unit (0 for a separator, MARK for a combining mark to skip). */
export interface FoldTables {
  folded: Uint16Array;
  /** 1 when the code unit carries a diacritic (precomposed accent, combining mark, đ/Đ). */
  accented: Uint8Array;
  /** The lower-case code unit, diacritics kept (the code unit itself when lower-casing changes its length). */
  lower: Uint16Array;
}

export const SEPARATOR = 0;
export const MARK = 0xffff;

function buildFoldTables(): FoldTables {
  const folded = new Uint16Array(0x10000);
  const accented = new Uint8Array(0x10000);
  const lower = new Uint16Array(0x10000);
  const letterOrDigit = /^[\p{L}\p{N}]$/u;
  for (let code = 0; code < 0x10000; code++) {
    const lowered = String.fromCharCode(code).toLowerCase();
    lower[code] = lowered.length === 1 ? lowered.charCodeAt(0) : code;
    if (code >= 0x300 && code <= 0x36f) {
      folded[code] = MARK;
      accented[code] = 1;
      continue;
    }
    // Surrogate halves (emoji and other astral characters) separate words.
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCharCode(code);
    const decomposed = char.normalize('NFD');
    const base = decomposed.replace(MARKS, '').toLowerCase().replace(/đ/g, 'd');
    if (base.length === 0 || !letterOrDigit.test(base[0]!)) continue;
    folded[code] = base.charCodeAt(0);
    if (decomposed !== decomposed.replace(MARKS, '') || char === 'đ' || char === 'Đ') accented[code] = 1;
  }
  return { folded, accented, lower };
}

/** Built once per process (about 30 ms); never written after. */
export const FOLD: FoldTables = buildFoldTables();

/** The folded text, words joined by one space ("Đình  CÔNG!" → "dinh cong"). Same tables as the matcher. */
export function foldText(text: string): string {
  const { folded } = FOLD;
  let out = '';
  let separate = false;
  for (let i = 0; i < text.length; i++) {
    const code = folded[text.charCodeAt(i)]!;
    if (code === MARK) continue;
    if (code === SEPARATOR) {
      separate = out.length > 0;
      continue;
    }
    if (separate) out += ' ';
    separate = false;
    out += String.fromCharCode(code);
  }
  return out;
}

/** The words of a text, lower case and NFC with diacritics kept: what accent-aware matching compares. */
export function diacriticWords(text: string): string[] {
  const { folded } = FOLD;
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const isSeparator = i === text.length || folded[text.charCodeAt(i)] === SEPARATOR;
    if (!isSeparator && start < 0) start = i;
    if (isSeparator && start >= 0) {
      words.push(text.slice(start, i).normalize('NFC').toLowerCase());
      start = -1;
    }
  }
  return words;
}

export function keepDiacritics(text: string): string {
  return diacriticWords(text).join(' ');
}
