import type { Locale } from '../config';
import * as core from './catalogues/core';
import * as directives from './catalogues/directives';
import * as feedback from './catalogues/feedback';
import * as hotspots from './catalogues/hotspots';
import * as platforms from './catalogues/platforms';
import * as polls from './catalogues/polls';
import * as reportCommand from './catalogues/report-command';
import * as reports from './catalogues/reports';

/**
 * Each feature keeps its messages in catalogues/<feature>.ts as `vi` (the source of keys) and
 * `en` (typed to have exactly the same keys). Placeholders are {name}.
 */
const vi = {
  ...core.vi,
  ...directives.vi,
  ...platforms.vi,
  ...reports.vi,
  ...polls.vi,
  ...feedback.vi,
  ...reportCommand.vi,
  ...hotspots.vi,
};
const en: Record<MessageKey, string> = {
  ...core.en,
  ...directives.en,
  ...platforms.en,
  ...reports.en,
  ...polls.en,
  ...feedback.en,
  ...reportCommand.en,
  ...hotspots.en,
};

export type MessageKey = keyof typeof vi;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const catalogues: Record<Locale, Record<MessageKey, string>> = { vi, en };

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

export function isLocale(value: string | undefined): value is Locale {
  return value === 'vi' || value === 'en';
}
