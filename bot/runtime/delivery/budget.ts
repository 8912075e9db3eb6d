import type { SendRate } from '../../config';
import type { ChatRef, Platform } from '../../kernel/types';

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

/** Who asks for a send: a person waiting for an answer, or a fan-out. Replies go first. */
export type SendLane = 'reply' | 'bulk';

/** How long a bulk send yields to a reply that wants the same platform's budget. */
const YIELD_MS = 5;

type Rates = { global: SendRate; chat: SendRate; group: SendRate };

/**
 * Outgoing message rates of one platform in one process, on the platform's real clock (not the
 * business clock): a global window, one per chat, and one more per group chat — sliding windows, as
 * Telegram counts them (about 30/s overall, 1/s per chat, 20/min per group by default).
 *
 * Two lanes share it. A reply waiting for the global window or a pause holds every bulk send back
 * until it has been granted: bulk yields to replies. A reply counts in its chat's windows, so the
 * fan-out's next message to that chat waits for it, but does not wait for them itself.
 */
export class SendLimiter {
  private readonly global: Window;
  private readonly perChat = new Map<string, { chat: Window; group?: Window }>();
  private pausedUntil = 0;
  /** Replies contending for the global window or a pause right now. */
  private repliesWaiting = 0;

  constructor(
    private readonly rates: Rates,
    private readonly time: LimiterTime = realTime,
  ) {
    this.global = new Window(rates.global);
  }

  /**
   * Resolves when one more message to `chatKey` is within every limit, and counts it; call the
   * returned function when the send has completed (successfully or not).
   */
  async acquire(chatKey: string, isGroup: boolean, lane: SendLane = 'bulk'): Promise<() => void> {
    let contending = false;
    try {
      for (;;) {
        const now = this.time.now();
        const own = this.windowsOf(chatKey, isGroup);
        // A reply is counted in its chat's windows (fan-outs to that chat make room for it) but does
        // not wait for them: a person answered in a busy group is not held for a minute.
        const ownWait = lane === 'bulk' ? Math.max(...own.map((w) => w.wait(now))) : 0;
        const sharedWait = Math.max(this.pausedUntil - now, this.global.wait(now));
        if (lane === 'reply' && sharedWait > 0 && !contending) {
          contending = true;
          this.repliesWaiting++;
        }
        const yieldWait = lane === 'bulk' && this.repliesWaiting > 0 ? YIELD_MS : 0;
        const wait = Math.max(ownWait, sharedWait, yieldWait);
        if (wait <= 0) {
          const sends = [this.global, ...own].map((window) => window.start());
          return () => {
            const done = this.time.now();
            for (const send of sends) send.at = done;
          };
        }
        await this.time.sleep(wait);
      }
    } finally {
      if (contending) this.repliesWaiting--;
    }
  }

  /** The platform said "too many requests, retry after": nothing is sent until then. */
  pause(ms: number): void {
    // With the slack, the platform's own window has moved past the sends it counted.
    this.pausedUntil = Math.max(this.pausedUntil, this.time.now() + ms + SLACK_MS);
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

/**
 * The one send budget of a process: a `SendLimiter` per platform, used by every fan-out (lane
 * `bulk`) and every interactive reply (lane `reply`), so a fan-out cannot starve the answer to a
 * person's own command, and a 429 told to either pauses both.
 */
export class SendBudget {
  private readonly platforms = new Map<Platform, SendLimiter>();
  constructor(
    private readonly rates: Rates,
    private readonly time: LimiterTime = realTime,
  ) {}

  of(platform: Platform): SendLimiter {
    let limiter = this.platforms.get(platform);
    if (!limiter) {
      limiter = new SendLimiter(this.rates, this.time);
      this.platforms.set(platform, limiter);
    }
    return limiter;
  }

  /** A message to `chat`; a private reply (DM or ephemeral) to `user` counts against that person's DM. */
  acquire(chat: ChatRef, lane: SendLane, user?: { externalId: string }): Promise<() => void> {
    const key = user ? `${chat.platform}:dm:${user.externalId}` : `${chat.platform}:${chat.externalId}`;
    return this.of(chat.platform).acquire(key, !user && chat.kind === 'group', lane);
  }

  pause(platform: Platform, ms: number): void {
    this.of(platform).pause(ms);
  }
}

const budgets = new WeakMap<object, SendBudget>();

/** The process's send budget: one per running app (keyed like `lexiconOf`), never module-wide. */
export function budgetOf(deps: { signals: object; config: { directives: { rates: Rates } } }): SendBudget {
  let budget = budgets.get(deps.signals);
  if (!budget) {
    budget = new SendBudget(deps.config.directives.rates);
    budgets.set(deps.signals, budget);
  }
  return budget;
}
