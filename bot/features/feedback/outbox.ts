import { randomBytes, randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { feedback, feedbackReplyHandles } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour } from '../../kernel/time';

const DAY_MS = 24 * 60 * 60 * 1000;
export const REPLY_HANDLE_DAYS = 30;
const HOUR_MS = 60 * 60 * 1000;
/** A handle whose feedback another process holds waits this long for it, then is dropped. */
const HANDLE_WAIT_MS = 3 * HOUR_MS;

export interface HeldFeedback {
  id: string;
  unitId: number;
  text: string;
  hour: Date;
}

interface HeldHandle {
  feedbackId: string;
  sealed: string;
  since: Date;
}

/** Runs inside the batch's transaction, once its rows are written (the relays' outbox rows). */
export type InBatch = (tx: DbOrTx, handlesOfRelayed: string[]) => Promise<void>;

export interface WrittenBatch {
  feedback: HeldFeedback[];
  /** Handles written for feedback already relayed (its readers are told they can now reply). */
  handlesOfRelayed: string[];
}

/**
 * What one process holds of the hour's feedback and reply handles, in memory only. Nothing of a
 * sender's request writes to the database: the hour's feedback and handles are written at the hourly
 * step as one shuffled batch (with the relays' outbox rows, through `inBatch`), so neither a
 * statement log, a trigger, `xmin` nor row order ties a row to the request (and the account) that
 * sent it. A `kill -9` loses what this process holds.
 */
export class FeedbackOutbox {
  private readonly items = new Map<string, HeldFeedback>();
  /** One-time tokens of the "send now" buttons (random, in memory: no row links them to anyone). */
  private readonly sendNowTokens = new Map<string, string>();
  private handles: HeldHandle[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  hold(input: { unitId: number; text: string; now: Date }): HeldFeedback {
    const item = { id: randomUUID(), unitId: input.unitId, text: input.text, hour: floorToHour(input.now) };
    this.items.set(item.id, item);
    return item;
  }

  /** A random one-time token standing for a held feedback on its "send now" button. */
  sendNowToken(id: string): string {
    const token = randomBytes(16).toString('base64url');
    this.sendNowTokens.set(token, id);
    return token;
  }

  /** The feedback a "send now" token stands for (used once). */
  redeem(token: string): string | undefined {
    const id = this.sendNowTokens.get(token);
    this.sendNowTokens.delete(token);
    return id;
  }

  /** The held feedback, taken out (to send it at once), or undefined when this process holds none. */
  take(id: string): HeldFeedback | undefined {
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  /** Puts back an item whose write failed. */
  restore(item: HeldFeedback): void {
    this.items.set(item.id, item);
  }

  /** Keeps a sealed reply handle until the next hourly step. False when one is already held. */
  holdHandle(feedbackId: string, sealed: string, now: Date): boolean {
    if (this.handles.some((h) => h.feedbackId === feedbackId)) return false;
    this.handles.push({ feedbackId, sealed, since: now });
    return true;
  }

  held(): number {
    return this.items.size + this.handles.length;
  }

  /**
   * Writes the feedback of hours that have ended (`all`: everything, at a graceful stop) and the
   * held handles whose feedback is stored, in one transaction, shuffled.
   */
  flush(
    db: DbOrTx,
    now: Date,
    options: { all: boolean } = { all: false },
    inBatch?: InBatch,
  ): Promise<WrittenBatch> {
    const run = this.queue.then(() => this.flushNow(db, now, options.all, inBatch));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Writes one item alone, now (a critical feedback its sender chose to send at once). */
  writeAlone(db: DbOrTx, item: HeldFeedback, now: Date, inBatch?: InBatch): Promise<WrittenBatch> {
    const run = this.queue.then(() => this.write(db, [item], now, inBatch, item.id));
    this.queue = run.catch(() => {});
    return run;
  }

  private async flushNow(db: DbOrTx, now: Date, all: boolean, inBatch?: InBatch): Promise<WrittenBatch> {
    const hour = floorToHour(now).getTime();
    const due = [...this.items.values()].filter((item) => all || item.hour.getTime() < hour);
    for (const item of due) this.items.delete(item.id);
    if (due.length > 0) {
      const gone = new Set(due.map((item) => item.id));
      for (const [token, id] of this.sendNowTokens) if (gone.has(id)) this.sendNowTokens.delete(token);
    }
    try {
      return await this.write(db, due, now, inBatch);
    } catch (error) {
      for (const item of due) this.items.set(item.id, item);
      throw error;
    }
  }

  private async write(
    db: DbOrTx,
    items: HeldFeedback[],
    now: Date,
    inBatch?: InBatch,
    only?: string,
  ): Promise<WrittenBatch> {
    // Sent alone, an item takes only its own handle: the others wait for the hour's batch.
    const handles = only === undefined ? this.handles : this.handles.filter((h) => h.feedbackId === only);
    this.handles = only === undefined ? [] : this.handles.filter((h) => h.feedbackId !== only);
    const waiting: HeldHandle[] = [];
    try {
      const handlesOfRelayed = await db.transaction(async (tx) => {
        if (items.length > 0) {
          await tx.insert(feedback).values(shuffle(items.map((i) => ({ ...i }))));
        }
        const relayedIds = await this.writeHandles(tx, handles, now, waiting);
        await inBatch?.(tx, relayedIds);
        return relayedIds;
      });
      this.handles.push(...waiting);
      return { feedback: items, handlesOfRelayed };
    } catch (error) {
      this.handles.push(...handles);
      throw error;
    }
  }

  /** Writes the handles whose feedback is stored; returns those of feedback already relayed. */
  private async writeHandles(tx: DbOrTx, handles: HeldHandle[], now: Date, waiting: HeldHandle[]) {
    if (handles.length === 0) return [];
    const stored = await tx
      .select({ id: feedback.id, hour: feedback.hour, relayed: feedback.relayed })
      .from(feedback)
      .where(
        inArray(
          feedback.id,
          handles.map((h) => h.feedbackId),
        ),
      );
    const byId = new Map(stored.map((row) => [row.id, row]));
    const rows: { feedbackId: string; sealed: string; expiresAt: Date }[] = [];
    for (const handle of handles) {
      const row = byId.get(handle.feedbackId);
      if (!row) {
        // Its feedback is held by another process (or was lost): wait for its next batch.
        if (now.getTime() - handle.since.getTime() < HANDLE_WAIT_MS) waiting.push(handle);
        continue;
      }
      const expiresAt = new Date(row.hour.getTime() + REPLY_HANDLE_DAYS * DAY_MS);
      if (expiresAt > now) rows.push({ feedbackId: handle.feedbackId, sealed: handle.sealed, expiresAt });
    }
    if (rows.length === 0) return [];
    const inserted = await tx
      .insert(feedbackReplyHandles)
      .values(shuffle(rows))
      .onConflictDoNothing()
      .returning({ id: feedbackReplyHandles.feedbackId });
    const ids = new Set(inserted.map((r) => r.id));
    return stored.filter((row) => row.relayed && ids.has(row.id)).map((row) => row.id);
  }
}

/** Each running Pulse (keyed by its signal bus, as `ballotsOf`) has its own outbox. */
const outboxes = new WeakMap<object, FeedbackOutbox>();

export function outboxOf(deps: { signals: object }): FeedbackOutbox {
  let box = outboxes.get(deps.signals);
  if (!box) {
    box = new FeedbackOutbox();
    outboxes.set(deps.signals, box);
  }
  return box;
}
