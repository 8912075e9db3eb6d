/** Slack lets a response_url be used 5 times within 30 minutes. */
const USES = 5;
const LIFETIME_MS = 29 * 60 * 1000;
const CAPACITY = 5_000;

/**
 * The response_url of each user's latest command or button press, per channel, for the private
 * answers to it. In memory: the process that received the request is the one answering it.
 */
export class ResponseUrls {
  private readonly urls = new Map<string, { url: string; until: number; uses: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(channel: string, user: string, url: string | undefined): void {
    if (!url) return;
    const key = `${channel}|${user}`;
    this.urls.delete(key);
    this.urls.set(key, { url, until: this.now() + LIFETIME_MS, uses: USES });
    if (this.urls.size > CAPACITY) this.urls.delete(this.urls.keys().next().value as string);
  }

  take(channel: string, user: string): string | undefined {
    const key = `${channel}|${user}`;
    const entry = this.urls.get(key);
    if (!entry) return undefined;
    if (entry.until < this.now() || entry.uses <= 0) {
      this.urls.delete(key);
      return undefined;
    }
    entry.uses--;
    return entry.url;
  }
}
