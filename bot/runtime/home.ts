import { localeOr } from '../kernel/i18n';
import type { Button, ChatRef, Platform, UserRef } from '../kernel/types';
import { translator } from '../messages';
import type { Deps } from './deps';
import type { Actor, ActorDirectory } from './types';

/**
 * "What does this person have open": a personal page (Slack's Home tab) made of sections that
 * features contribute through their manifest (`home`). Platform-neutral: texts already translated,
 * buttons as the core's buttons; each platform renders it (bot/platforms/slack/home-view.ts).
 */
export interface HomeItem {
  /** Stable within the page (e.g. "poll:12"). */
  key: string;
  title: string;
  /** One more line (deadline, unit, status). */
  detail?: string;
  /**
   * Where a press of this item's buttons counts, as if pressed there: the chat the poll or the
   * directive was delivered to (the unit whose tally or ledger it goes to). Without it, the item
   * has no buttons on the page.
   */
  answerIn?: ChatRef;
  /** Only buttons with `data` (callbacks); they are the same buttons as on the message itself. */
  buttons?: Button[][];
}

export interface HomeSection {
  kind: 'polls' | 'directives' | 'incidents';
  title: string;
  items: HomeItem[];
  /** How many more there are than shown (the page shows at most a few of each). */
  more: number;
  /** "… and 3 more", filled in by the page (`createHomeSource`) when `more` > 0. */
  moreText?: string;
}

export interface PersonalHome {
  greeting: string;
  /** Shown when no section has an item. */
  empty: string;
  /** Under the sections: what the page is, and that it is seen by this person only. */
  footer: string;
  sections: HomeSection[];
}

/** Who is looking, on which platform, and the DM chat of that account (where DM deliveries went). */
export interface HomeViewer {
  actor: Actor;
  platform: Platform;
  /** The account's id on that platform (a DM delivery may still carry it instead of the DM's id). */
  account: string;
  dm?: ChatRef;
}

/** A feature's section of the page, or null when it has nothing for this person. */
export type HomeContributor = (deps: Deps, viewer: HomeViewer) => Promise<HomeSection | null>;

/** What an adapter calls to build the page of the person behind an account. */
export type HomeSource = (user: UserRef, dm?: ChatRef) => Promise<PersonalHome>;

/** At most this many items of each section are shown. */
export const HOME_ITEMS = 5;

export function createHomeSource(
  deps: Deps,
  directory: ActorDirectory,
  contributors: readonly HomeContributor[],
): HomeSource {
  return async (user, dm) => {
    const person = await directory.resolvePerson(user);
    const actor: Actor = {
      person,
      roles: await directory.rolesOf(person.id),
      locale: localeOr(person.locale, deps.config.locale),
    };
    const t = translator(actor.locale);
    const viewer: HomeViewer = { actor, platform: user.platform, account: user.externalId, dm };
    const sections: HomeSection[] = [];
    for (const contribute of contributors) {
      try {
        const section = await contribute(deps, viewer);
        if (!section || section.items.length === 0) continue;
        sections.push(
          section.more > 0 ? { ...section, moreText: t('home.more', { count: section.more }) } : section,
        );
      } catch (error) {
        // One failing section leaves the rest of the page readable.
        deps.logger.error({ err: error }, 'home section failed');
      }
    }
    return {
      greeting: t('home.greeting', { name: person.displayName }),
      empty: t('home.empty'),
      footer: t('home.footer'),
      sections,
    };
  };
}

/** Keeps the first `HOME_ITEMS` items and counts the rest. */
export function capped(items: HomeItem[]): { items: HomeItem[]; more: number } {
  return { items: items.slice(0, HOME_ITEMS), more: Math.max(0, items.length - HOME_ITEMS) };
}
