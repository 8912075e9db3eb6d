import type { SendRate } from '../../config';

export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Slack for clock granularity between this process and the platform. */
const SLACK_MS = 5;

/**
 * Recent sends in one sliding window. A send counts from the moment it is granted and is dated
 * when it completes: the platform saw it arrive before that, so once our window has moved past
 * it, the platform's has too, whatever the network latency.
 */
class Window {
  private readonly sends: { at: number }[] = [];
  constructor(private readonly rate: SendRate) {}

  wait(now: number): number {
    const windowMs = this.rate.perMs + SLACK_MS;
    for (let i = this.sends.length - 1; i >= 0; i--)
      if (now - this.sends[i]!.at >= windowMs) this.sends.splice(i, 1);
    if (this.sends.length < this.rate.count) return 0;
    const oldest = Math.min(...this.sends.map((send) => send.at));
    // Every counted send is still in flight: check again soon.
    return Number.isFinite(oldest) ? oldest + windowMs - now : 10;
  }
  start(): { at: number } {
    const send = { at: Number.POSITIVE_INFINITY };
    this.sends.push(send);
    return send;
  }
  get empty(): boolean {
    return this.sends.length === 0;
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
  private pausedUntil = 0;

  constructor(
    private readonly rates: { global: SendRate; chat: SendRate; group: SendRate },
    private readonly time: LimiterTime = realTime,
  ) {
    this.global = new Window(rates.global);
  }

  /**
   * Resolves when one more message to `chatKey` is within every limit, and counts it; call the
   * returned function when the send has completed (successfully or not).
   */
  async acquire(chatKey: string, isGroup: boolean): Promise<() => void> {
    for (;;) {
      const now = this.time.now();
      const windows = [this.global, ...this.windowsOf(chatKey, isGroup)];
      const wait = Math.max(this.pausedUntil - now, ...windows.map((w) => w.wait(now)));
      if (wait <= 0) {
        const sends = windows.map((window) => window.start());
        return () => {
          const done = this.time.now();
          for (const send of sends) send.at = done;
        };
      }
      await this.time.sleep(wait);
    }
  }

  /** The platform said "too many requests, retry after": nothing is sent until then. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.time.now() + ms);
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
