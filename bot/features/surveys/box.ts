import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { pulseProcesses, surveyHolders, surveyTexts } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour } from '../../kernel/time';
import type { Answer, SurveyRow } from './types';

/** How long a process's lease lasts (the same table and length as the polls' ballot box). */
export const LEASE_MS = 60_000;
const RENEW_AFTER_MS = 20_000;

interface Pending {
  surveyId: number;
  unitId: number;
  answers: Answer[];
}

/** Whole ballots of one (survey, unit) waiting for their batch. */
interface Batch {
  k: number;
  questions: number;
  /** Option counts per question (open text: none). */
  optionCounts: number[];
  ballots: Answer[][];
  finished: number;
}

/**
 * The survey box of one process. A person's answers to an unfinished survey live only here, in
 * memory, keyed by (survey, person) — never in the database. The database knows where the person
 * is (the question index) and that this process holds their answers (`survey_progress.holder`,
 * `survey_holders.held`), nothing of what they are.
 *
 * When the person finishes, their answers become one ballot, detached from them, in the batch of
 * their (survey, unit). A batch is written once it holds k ballots, as one aggregated increment per
 * question (counters) plus shuffled open-text rows stamped with the hour. A graceful stop, or a
 * survey closing, writes what is held, unfinished answers included (as ballots of their own).
 */
export class SurveyBox {
  readonly processId: string;
  private readonly pending = new Map<string, Pending>();
  private readonly batches = new Map<number, Map<number, Batch>>();
  private leaseRenewedAt = 0;
  /** Surveys' frozen parts (questions, k), read once; status is always checked in the database. */
  private readonly surveys = new Map<number, SurveyRow>();
  /** Surveys whose `survey_holders` row says this process holds answers (held ≥ 1). */
  private readonly registered = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(processId: string = randomUUID()) {
    this.processId = processId;
  }

  /** People whose answers this process holds (pending or in a batch), for tests and logs. */
  held(surveyId?: number): number {
    let total = 0;
    for (const entry of this.pending.values())
      if (surveyId === undefined || entry.surveyId === surveyId) total++;
    for (const [id, cells] of this.batches) {
      if (surveyId !== undefined && id !== surveyId) continue;
      for (const batch of cells.values()) total += batch.ballots.length;
    }
    return total;
  }

  async ensureLease(db: DbOrTx, now: Date): Promise<void> {
    if (now.getTime() - this.leaseRenewedAt < RENEW_AFTER_MS && this.leaseRenewedAt <= now.getTime()) return;
    await this.renewLease(db, now);
  }

  async renewLease(db: DbOrTx, now: Date): Promise<void> {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    await db
      .insert(pulseProcesses)
      .values({ id: this.processId, leaseUntil })
      .onConflictDoUpdate({ target: pulseProcesses.id, set: { leaseUntil } });
    this.leaseRenewedAt = now.getTime();
  }

  async release(db: DbOrTx): Promise<void> {
    await db.delete(pulseProcesses).where(eq(pulseProcesses.id, this.processId));
  }

  isRegistered(surveyId: number): boolean {
    return this.registered.has(surveyId);
  }

  register(surveyId: number): void {
    this.registered.add(surveyId);
  }

  /**
   * Reports how many people's answers this process holds per survey (every scheduler tick). Never
   * below 1 while registered: the row is what stops a survey closing over this process's answers.
   */
  async reportHeld(db: DbOrTx): Promise<void> {
    for (const surveyId of this.registered) {
      await db
        .update(surveyHolders)
        .set({ held: Math.max(1, this.held(surveyId)) })
        .where(and(eq(surveyHolders.surveyId, surveyId), eq(surveyHolders.processId, this.processId)));
    }
  }

  /** Resolves once the batch writes queued so far are done (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  surveyCached(id: number): SurveyRow | undefined {
    return this.surveys.get(id);
  }

  cacheSurvey(survey: SurveyRow): void {
    if (this.surveys.size > 1000) this.surveys.clear();
    this.surveys.set(survey.id, survey);
  }

  /** The answers held for a person (a copy), or undefined. */
  answersOf(surveyId: number, personId: number): Answer[] | undefined {
    return this.pending.get(key(surveyId, personId))?.answers.slice();
  }

  /**
   * This process takes the person's conversation at question `from`: answers it held from an
   * earlier turn stay (they are below `from`), anything at or after `from` is forgotten.
   */
  take(surveyId: number, personId: number, unitId: number, questions: number, from: number): void {
    const existing = this.pending.get(key(surveyId, personId));
    if (existing) {
      for (let i = from; i < existing.answers.length; i++) existing.answers[i] = null;
      return;
    }
    this.pending.set(key(surveyId, personId), {
      surveyId,
      unitId,
      answers: new Array<Answer>(questions).fill(null),
    });
  }

  /** Whether this process holds the person's answers (it took the conversation before). */
  holds(surveyId: number, personId: number): boolean {
    return this.pending.has(key(surveyId, personId));
  }

  set(surveyId: number, personId: number, question: number, answer: Answer): void {
    const entry = this.pending.get(key(surveyId, personId));
    if (entry && question >= 0 && question < entry.answers.length) entry.answers[question] = answer;
  }

  /**
   * The person finished (or their answers must be written now): the answers leave the person and
   * become a ballot of their (survey, unit). When the batch reaches k, it is written.
   */
  async seal(
    db: DbOrTx,
    survey: { id: number; k: number; optionCounts: number[] },
    personId: number,
    options: { finished: boolean; now: Date },
  ): Promise<void> {
    const entry = this.pending.get(key(survey.id, personId));
    if (!entry) return;
    this.pending.delete(key(survey.id, personId));
    const batch = this.batchOf(survey, entry.unitId);
    batch.ballots.push(entry.answers);
    if (options.finished) batch.finished++;
    // Written in the background: the person's reply does not wait for the batch (a failed write
    // puts the ballots back for the next batch or the closing).
    if (batch.ballots.length >= batch.k)
      void this.flush(db, survey.id, { closing: false, now: options.now }).catch(() => 0);
  }

  /** Seals every unfinished conversation of the survey (closing) or of every survey (stop). */
  async sealAll(
    db: DbOrTx,
    surveys: ReadonlyMap<number, { k: number; optionCounts: number[] }>,
    now: Date,
  ): Promise<void> {
    for (const [entryKey, entry] of [...this.pending]) {
      const survey = surveys.get(entry.surveyId);
      if (!survey) continue;
      this.pending.delete(entryKey);
      const batch = this.batchOf({ id: entry.surveyId, ...survey }, entry.unitId);
      batch.ballots.push(entry.answers);
    }
    const ids = [...surveys.keys()];
    await this.flush(db, ids, { closing: true, now });
    // Everything of these surveys is written: this process holds nothing of them any more.
    const mine = ids.filter((id) => this.registered.has(id));
    if (mine.length === 0) return;
    await db
      .update(surveyHolders)
      .set({ held: 0 })
      .where(and(inArray(surveyHolders.surveyId, mine), eq(surveyHolders.processId, this.processId)));
    for (const id of mine) this.registered.delete(id);
  }

  /** Surveys this process holds anything of. */
  surveyIds(): number[] {
    const ids = new Set<number>(this.batches.keys());
    for (const entry of this.pending.values()) ids.add(entry.surveyId);
    return [...ids];
  }

  flush(
    db: DbOrTx,
    surveyIds: number | readonly number[],
    options: { closing: boolean; now: Date },
  ): Promise<number> {
    const run = this.queue.then(() => this.flushNow(db, surveyIds, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private batchOf(survey: { id: number; k: number; optionCounts: number[] }, unitId: number): Batch {
    let cells = this.batches.get(survey.id);
    if (!cells) {
      cells = new Map();
      this.batches.set(survey.id, cells);
    }
    let batch = cells.get(unitId);
    if (!batch) {
      batch = {
        k: Math.max(1, survey.k),
        questions: survey.optionCounts.length,
        optionCounts: survey.optionCounts,
        ballots: [],
        finished: 0,
      };
      cells.set(unitId, batch);
    }
    return batch;
  }

  private async flushNow(
    db: DbOrTx,
    surveyIds: number | readonly number[],
    { closing, now }: { closing: boolean; now: Date },
  ): Promise<number> {
    const ids = typeof surveyIds === 'number' ? [surveyIds] : surveyIds;
    let written = 0;
    for (const surveyId of ids) {
      const cells = this.batches.get(surveyId);
      if (!cells) continue;
      const ready = [...cells.entries()].filter(
        ([, batch]) => batch.ballots.length > 0 && (closing || batch.ballots.length >= batch.k),
      );
      if (ready.length === 0) continue;
      for (const [unitId] of ready) cells.delete(unitId);
      try {
        await writeBatches(db, surveyId, ready, now);
      } catch (error) {
        for (const [unitId, batch] of ready) {
          const current = cells.get(unitId);
          if (current) {
            current.ballots.push(...batch.ballots);
            current.finished += batch.finished;
          } else cells.set(unitId, batch);
        }
        throw error;
      }
      if (cells.size === 0) this.batches.delete(surveyId);
      written += ready.reduce((total, [, batch]) => total + batch.ballots.length, 0);
    }
    return written;
  }
}

function key(surveyId: number, personId: number): string {
  return `${surveyId}:${personId}`;
}

/**
 * One transaction: per unit (in random order) and per question, the batch's aggregated increment;
 * the batch's open-text answers as rows in random order, stamped with the hour.
 */
async function writeBatches(
  db: DbOrTx,
  surveyId: number,
  ready: [number, Batch][],
  now: Date,
): Promise<void> {
  shuffle(ready);
  const hour = floorToHour(now);
  await db.transaction(async (tx: Tx) => {
    for (const [unitId, batch] of ready) {
      const texts: { question: number; text: string }[] = [];
      for (let question = 0; question < batch.questions; question++) {
        const options = batch.optionCounts[question] ?? 0;
        const counts = new Array<number>(options).fill(0);
        let n = 0;
        for (const ballot of batch.ballots) {
          const answer = ballot[question];
          if (answer === null || answer === undefined) continue;
          if (typeof answer === 'string') texts.push({ question, text: answer });
          else if (answer >= 0 && answer < options) counts[answer]!++;
          else continue;
          n++;
        }
        if (n === 0) continue;
        const added =
          counts.length === 0
            ? sql`'{}'::int[]`
            : sql`array[${sql.join(
                counts.map((c) => sql`${c}::int`),
                sql`, `,
              )}]`;
        await tx.execute(sql`
          insert into survey_cells (survey_id, question, unit_id, n, counts)
          values (${surveyId}, ${question}, ${unitId}, ${n}, ${added})
          on conflict (survey_id, question, unit_id) do update set
            n = survey_cells.n + excluded.n,
            counts = array(
              select coalesce(a, 0) + coalesce(b, 0)
              from unnest(survey_cells.counts, excluded.counts) with ordinality as x(a, b, i) order by i)`);
      }
      await tx.execute(sql`
        insert into survey_units (survey_id, unit_id, finished) values (${surveyId}, ${unitId}, ${batch.finished})
        on conflict (survey_id, unit_id) do update set finished = survey_units.finished + excluded.finished`);
      if (texts.length > 0) {
        shuffle(texts);
        await tx.insert(surveyTexts).values(texts.map((t) => ({ surveyId, unitId, hour, ...t })));
      }
    }
  });
}

const boxes = new WeakMap<object, SurveyBox>();

/** Each running Pulse (keyed by its signal bus, which copies of `deps` share) has its own box. */
export function surveyBoxOf(deps: { signals: object }): SurveyBox {
  let box = boxes.get(deps.signals);
  if (!box) {
    box = new SurveyBox();
    boxes.set(deps.signals, box);
  }
  return box;
}
