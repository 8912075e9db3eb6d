import { randomBytes, randomUUID } from 'node:crypto';
import { floorToHour } from '../../kernel/time';

export interface HeldQuestion {
  id: string;
  dialogueId: number;
  text: string;
  hour: Date;
}

/**
 * What one process holds of the hour's dialogue questions, in memory only (as feedback's outbox):
 * nothing of the asker's request writes to the database, so no statement log, trigger, `xmin` or
 * row order ties a question to the request (and the account) that sent it. The hour's questions are
 * written at the hourly step as one shuffled batch. A `kill -9` loses what this process holds.
 */
export class QuestionOutbox {
  private readonly items = new Map<string, HeldQuestion>();
  private readonly sendNowTokens = new Map<string, string>();

  hold(input: { dialogueId: number; text: string; now: Date }): HeldQuestion {
    const item = {
      id: randomUUID(),
      dialogueId: input.dialogueId,
      text: input.text,
      hour: floorToHour(input.now),
    };
    this.items.set(item.id, item);
    return item;
  }

  sendNowToken(id: string): string {
    const token = randomBytes(16).toString('base64url');
    this.sendNowTokens.set(token, id);
    return token;
  }

  /** The held question a "send now" token stands for, taken out (used once). */
  redeem(token: string): HeldQuestion | undefined {
    const id = this.sendNowTokens.get(token);
    this.sendNowTokens.delete(token);
    if (id === undefined) return undefined;
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  /** Takes out the questions of ended hours (`all`: every one), optionally of one dialogue only. */
  takeDue(now: Date, options: { all?: boolean; dialogueId?: number } = {}): HeldQuestion[] {
    const hour = floorToHour(now).getTime();
    const due = [...this.items.values()].filter(
      (item) =>
        (options.all || item.hour.getTime() < hour) &&
        (options.dialogueId === undefined || item.dialogueId === options.dialogueId),
    );
    for (const item of due) this.items.delete(item.id);
    const gone = new Set(due.map((item) => item.id));
    for (const [token, id] of this.sendNowTokens) if (gone.has(id)) this.sendNowTokens.delete(token);
    return due;
  }

  /** Puts back questions whose write failed. */
  restore(items: readonly HeldQuestion[]): void {
    for (const item of items) this.items.set(item.id, item);
  }

  held(): number {
    return this.items.size;
  }
}

/** Each running Pulse (keyed by its signal bus, as feedback's outbox) has its own. */
const outboxes = new WeakMap<object, QuestionOutbox>();

export function questionOutboxOf(deps: { signals: object }): QuestionOutbox {
  let box = outboxes.get(deps.signals);
  if (!box) {
    box = new QuestionOutbox();
    outboxes.set(deps.signals, box);
  }
  return box;
}
