/**
 * At most `limit` events per key in any `windowMs`, in this process's memory only: nothing
 * persistent links a person to when they sent feedback. With K processes the effective limit is K × limit.
 */
export class SlidingWindowLimiter {
  private readonly events = new Map<number, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts an event for `key` and returns true, or returns false (counting nothing) when over the limit. */
  tryTake(key: number, now: Date): boolean {
    const since = now.getTime() - this.windowMs;
    const recent = (this.events.get(key) ?? []).filter((at) => at > since);
    if (recent.length >= this.limit) {
      this.events.set(key, recent);
      return false;
    }
    recent.push(now.getTime());
    this.events.set(key, recent);
    if (this.events.size > 10_000) this.prune(since);
    return true;
  }

  private prune(since: number): void {
    for (const [key, times] of this.events) if (times.every((at) => at <= since)) this.events.delete(key);
  }
}
