import type { Clock } from '../../bot/kernel/types';

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-03-05T02:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
