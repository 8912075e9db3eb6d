import type { webApi } from '@slack/bolt';
import type { UserRef } from '../../kernel/types';

const FRESH_MS = 60 * 60 * 1000;
const CAPACITY = 10_000;

/** Slack events carry only user ids: names and languages come from users.info, remembered for an hour. */
export class SlackUsers {
  private readonly known = new Map<string, { user: UserRef; at: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string, fallbackName?: string): Promise<UserRef> {
    const cached = this.known.get(id);
    if (cached && this.now() - cached.at < FRESH_MS) return cached.user;
    let user: UserRef = {
      platform: 'slack',
      externalId: id,
      displayName: fallbackName ?? id,
      username: fallbackName,
    };
    try {
      const info = await this.client.users.info({ user: id, include_locale: true });
      const profile = info.user;
      if (profile) {
        user = {
          platform: 'slack',
          externalId: id,
          displayName: profile.profile?.display_name || profile.real_name || profile.name || user.displayName,
          username: profile.name ?? fallbackName,
          languageCode: profile.locale?.split('-')[0],
        };
      }
    } catch {
      // Without users:read the id stands in for the name; nothing else depends on it.
    }
    this.known.delete(id);
    this.known.set(id, { user, at: this.now() });
    if (this.known.size > CAPACITY) this.known.delete(this.known.keys().next().value as string);
    return user;
  }
}
