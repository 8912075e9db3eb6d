import type { SendRate } from '../../config';

export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A few milliseconds of slack so requests landing at the server a little early still fit its window. */
const SLACK_MS = 5;

/** Timestamps of recent sends in one sliding window; `wait()` is how long until one more fits. */
class Window {
  private readonly times: number[] = [];
  constructor(private readonly rate: SendRate) {}

  wait(now: number): number {
    const windowMs = this.rate.perMs + SLACK_MS;
    while (this.times.length > 0 && now - this.times[0]! >= windowMs) this.times.shift();
    return this.times.length < this.rate.count ? 0 : this.times[0]! + windowMs - now;
  }
  record(now: number): void {
    this.times.push(now);
  }
  get empty(): boolean {
    return this.times.length === 0;
  }
}

/**
 * Outgoing message rates of one process, on the platform's real clock (not the business clock):
 * a global window, one per chat, and one more per group chat — sliding windows, as Telegram
 * counts them (about 30/s overall, 1/s per chat, 20/min per group by default).
 */
export class SendLimiter {
  private readonly global: Window;
  private readonly perChat = new Map<string, { chat: Window; group?: Window }>();

  constructor(
    private readonly rates: { global: SendRate; chat: SendRate; group: SendRate },
    private readonly time: LimiterTime = realTime,
  ) {
    this.global = new Window(rates.global);
  }

  /** Resolves when one more message to `chatKey` is within every limit, and counts it. */
  async acquire(chatKey: string, isGroup: boolean): Promise<void> {
    for (;;) {
      const now = this.time.now();
      const windows = this.windowsOf(chatKey, isGroup);
      const wait = Math.max(this.global.wait(now), ...windows.map((w) => w.wait(now)));
      if (wait <= 0) {
        this.global.record(now);
        for (const window of windows) window.record(now);
        return;
      }
      await this.time.sleep(wait);
    }
  }

  private windowsOf(chatKey: string, isGroup: boolean): Window[] {
    let entry = this.perChat.get(chatKey);
    if (!entry) {
      if (this.perChat.size > 10_000) this.forgetIdle();
      entry = { chat: new Window(this.rates.chat) };
      this.perChat.set(chatKey, entry);
    }
    if (isGroup) entry.group ??= new Window(this.rates.group);
    return entry.group ? [entry.chat, entry.group] : [entry.chat];
  }

  private forgetIdle(): void {
    const now = this.time.now();
    for (const [key, entry] of this.perChat) {
      entry.chat.wait(now);
      entry.group?.wait(now);
      if (entry.chat.empty && (entry.group?.empty ?? true)) this.perChat.delete(key);
    }
  }
}
