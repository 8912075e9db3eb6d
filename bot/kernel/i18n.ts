/** The i18n runtime every part shares: locales, placeholder filling, and the one locale fallback. */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Params = Record<string, string | number>;

export function isLocale(value: string | null | undefined): value is Locale {
  return value === 'vi' || value === 'en';
}

/** A person's stored language when it is one Pulse speaks, else the configured fallback. */
export function localeOr(value: string | null | undefined, fallback: Locale): Locale {
  return isLocale(value) ? value : fallback;
}

/** Fills `{name}` placeholders; unknown ones stay visible so a missing parameter is noticed. */
export function fillPlaceholders(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** One feature's messages: Vietnamese is the source of keys, English must have exactly the same. */
export interface Catalogue<K extends string = string> {
  vi: Record<K, string>;
  en: Record<K, string>;
}
