import * as accountLinks from './features/account-links/messages';
import * as actions from './features/actions/messages';
import * as dialogue from './features/dialogue/messages';
import * as directives from './features/directives/messages';
import * as feedback from './features/feedback/messages';
import * as hotspots from './features/hotspots/messages';
import * as org from './features/org/messages';
import * as outbox from './features/outbox/messages';
import * as polls from './features/polls/messages';
import * as reportCommand from './features/reports/commands/messages';
import * as reports from './features/reports/messages';
import * as scenarioUpload from './features/scenario-upload/messages';
import * as situationReports from './features/situation-reports/messages';
import * as surveys from './features/surveys/messages';
import { type Catalogue, fillPlaceholders, type Locale, type Params } from './kernel/i18n';
import * as runtime from './runtime/messages';
import * as numberedReplies from './runtime/numbered-replies/messages';

/**
 * Every message Pulse says, composed from each part's own `messages.ts` (`vi` is the source of keys,
 * `en` has exactly the same). The only file that imports every catalogue; features and the runtime
 * import `translate` and the key type from here.
 */
export const CATALOGUES = {
  runtime,
  org,
  accountLinks,
  numberedReplies,
  directives,
  reports,
  polls,
  surveys,
  feedback,
  reportCommand,
  hotspots,
  situationReports,
  dialogue,
  actions,
  scenarioUpload,
  outbox,
} satisfies Record<string, Catalogue>;

type Parts = typeof CATALOGUES;
export type MessageKey = { [P in keyof Parts]: keyof Parts[P]['vi'] }[keyof Parts] & string;
export type Translate = (key: MessageKey, params?: Params) => string;
export type { Params };

function compose(locale: Locale): Record<MessageKey, string> {
  const all: Record<string, string> = {};
  for (const part of Object.values(CATALOGUES) as Catalogue[]) Object.assign(all, part[locale]);
  return all as Record<MessageKey, string>;
}

export const catalogues: Record<Locale, Record<MessageKey, string>> = {
  vi: compose('vi'),
  en: compose('en'),
};

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  return fillPlaceholders(catalogues[locale][key], params);
}

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}
