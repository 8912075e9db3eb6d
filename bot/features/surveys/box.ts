import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { surveyCells, surveyHolders, surveys, surveyTexts } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour } from '../../kernel/time';
import {
  type HolderTable,
  heldByOthers,
  LEASE_MS,
  ProcessLease,
  takeAllButK,
} from '../../runtime/process-lease';
import type { Answer, SurveyRow } from './types';

export { LEASE_MS };

/** How many people's answers each process holds per survey (runtime/process-lease). */
export const SURVEY_HOLDERS: HolderTable = {
  table: surveyHolders,
  subject: surveyHolders.surveyId,
  process: surveyHolders.processId,
  held: surveyHolders.held,
};

/** The cell of a unit's finished count (`survey_units`), held and written like a question's. */
const FINISHED = -1;

/** What the box needs of a survey: its k, and per question the options and the cell's k. */
export interface SealInfo {
  id: number;
  /** The k of the finished count (the survey's `min_answers`). */
  k: number;
  optionCounts: number[];
  /** Per question, the k of its cells (open text: `min_texts`). */
  thresholds: number[];
}

interface Pending {
  surveyId: number;
  unitId: number;
  answers: Answer[];
}

/** The answers of one (survey, question, unit) held here, detached from who gave them. */
interface Cell {
  question: number;
  unitId: number;
  k: number;
  options: number;
  /** Options, texts, or for the finished cell one mark per person. */
  values: (number | string)[];
}

/**
 * The survey box of one process. A person's answers to an unfinished survey live only here, in
 * memory, keyed by (survey, person) — never in the database. The database knows where the person
 * is (the question index) and that this process holds their answers (`survey_progress.holder`,
 * `survey_holders.held`), nothing of what they are.
 *
 * When the person finishes, their answers leave them: each goes to the cell of its (survey,
 * question, unit), as polls' ballots do. A cell is written by the polls' rule (runtime/process-lease):
 * once it holds 2k answers, all but k of them, chosen at random, as one aggregated increment (open
 * text: shuffled rows stamped with the hour); k stay for the next write, so the closing write of the
 * rest holds at least k too. At closing, a cell whose total stays below k is written only as a
 * withheld count. A graceful stop, or a survey closing, writes everything held, unfinished answers
 * included (as ballots of their own).
 */
export class SurveyBox {
  readonly processId: string;
  private readonly lease: ProcessLease;
  private readonly pending = new Map<string, Pending>();
  private readonly cells = new Map<number, Map<string, Cell>>();
  /** Surveys' frozen parts (questions, k), read once; status is always checked in the database. */
  private readonly surveys = new Map<number, SurveyRow>();
  /** Surveys whose `survey_holders` row says this process holds answers (held ≥ 1). */
  private readonly registered = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(processId?: string) {
    this.lease = new ProcessLease(processId);
    this.processId = this.lease.processId;
  }

  /** People with an unfinished survey plus answers in cells this process holds, for tests and logs. */
  held(surveyId?: number): number {
    let total = 0;
    for (const entry of this.pending.values())
      if (surveyId === undefined || entry.surveyId === surveyId) total++;
    for (const [id, cells] of this.cells) {
      if (surveyId !== undefined && id !== surveyId) continue;
      for (const cell of cells.values()) if (cell.question !== FINISHED) total += cell.values.length;
    }
    return total;
  }

  ensureLease(db: DbOrTx, now: Date): Promise<void> {
    return this.lease.ensure(db, now);
  }

  renewLease(db: DbOrTx, now: Date): Promise<void> {
    return this.lease.renew(db, now);
  }

  release(db: DbOrTx): Promise<void> {
    return this.lease.release(db);
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
   * The person finished: their answers leave them, each into the cell of its question and their
   * unit. A cell that reaches 2k is written in the background (all but k of it).
   */
  async seal(
    db: DbOrTx,
    survey: SealInfo,
    personId: number,
    options: { finished: boolean; now: Date },
  ): Promise<void> {
    const entry = this.pending.get(key(survey.id, personId));
    if (!entry) return;
    this.pending.delete(key(survey.id, personId));
    this.distribute(survey, entry, options.finished);
    const full = [...(this.cells.get(survey.id)?.values() ?? [])].some(
      (cell) => cell.values.length >= 2 * cell.k,
    );
    // The person's reply does not wait for the write (a failed write puts the answers back).
    if (full) void this.flush(db, survey.id, { closing: false, now: options.now }).catch(() => 0);
  }

  /** Seals every unfinished conversation of the surveys and writes all they hold (closing, stop). */
  async sealAll(db: DbOrTx, surveys: ReadonlyMap<number, SealInfo>, now: Date): Promise<void> {
    for (const [entryKey, entry] of [...this.pending]) {
      const survey = surveys.get(entry.surveyId);
      if (!survey) continue;
      this.pending.delete(entryKey);
      this.distribute(survey, entry, false);
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
    const ids = new Set<number>(this.cells.keys());
    for (const entry of this.pending.values()) ids.add(entry.surveyId);
    return [...ids];
  }

  /**
   * Writes what this process holds for the surveys: `closing` (the survey is closing, or the
   * process stops) every cell; otherwise only cells holding 2k or more, all but k of each.
   */
  flush(
    db: DbOrTx,
    surveyIds: number | readonly number[],
    options: { closing: boolean; now: Date },
  ): Promise<number> {
    const run = this.queue.then(() => this.flushNow(db, surveyIds, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private distribute(survey: SealInfo, entry: Pending, finished: boolean): void {
    entry.answers.forEach((answer, question) => {
      const options = survey.optionCounts[question] ?? 0;
      if (answer === null || answer === undefined) return;
      if (typeof answer === 'number' && !(answer >= 0 && answer < options)) return;
      if (typeof answer === 'string' && options > 0) return;
      this.cellOf(
        survey.id,
        question,
        entry.unitId,
        survey.thresholds[question] ?? survey.k,
        options,
      ).values.push(answer);
    });
    if (finished) this.cellOf(survey.id, FINISHED, entry.unitId, survey.k, 0).values.push(1);
  }

  private cellOf(surveyId: number, question: number, unitId: number, k: number, options: number): Cell {
    let cells = this.cells.get(surveyId);
    if (!cells) {
      cells = new Map();
      this.cells.set(surveyId, cells);
    }
    const cellKey = `${question}:${unitId}`;
    let cell = cells.get(cellKey);
    if (!cell) {
      cell = { question, unitId, k: Math.max(1, k), options, values: [] };
      cells.set(cellKey, cell);
    }
    return cell;
  }

  private async flushNow(
    db: DbOrTx,
    surveyIds: number | readonly number[],
    { closing, now }: { closing: boolean; now: Date },
  ): Promise<number> {
    const ids = typeof surveyIds === 'number' ? [surveyIds] : surveyIds;
    let written = 0;
    for (const surveyId of ids) {
      const cells = this.cells.get(surveyId);
      if (!cells) continue;
      const batch: Taken[] = [];
      for (const [cellKey, cell] of cells) {
        if (closing) {
          if (cell.values.length > 0) batch.push({ cell, taken: cell.values });
          cells.delete(cellKey);
        } else {
          // Taken out before writing and put back if the write fails: an answer is written once.
          const taken = takeAllButK(cell.values, cell.k);
          if (taken.length > 0) batch.push({ cell, taken });
        }
      }
      if (batch.length > 0) {
        try {
          await writeCells(db, this.processId, surveyId, batch, { closing, now });
        } catch (error) {
          for (const { cell, taken } of batch) {
            const current = cells.get(`${cell.question}:${cell.unitId}`);
            if (current) {
              if (current.values !== taken) current.values.push(...taken);
            } else cells.set(`${cell.question}:${cell.unitId}`, { ...cell, values: [...taken] });
          }
          throw error;
        }
        written += batch.reduce(
          (total, { cell, taken }) => total + (cell.question === FINISHED ? 0 : taken.length),
          0,
        );
      }
      for (const [cellKey, cell] of cells) if (cell.values.length === 0) cells.delete(cellKey);
      if (cells.size === 0) this.cells.delete(surveyId);
    }
    return written;
  }
}

interface Taken {
  cell: Cell;
  /** The answers of this write (all of the cell's at closing, else all but k). */
  taken: (number | string)[];
}

function key(surveyId: number, personId: number): string {
  return `${surveyId}:${personId}`;
}

/**
 * One transaction: each cell's aggregated increment (cells in random order, texts shuffled and
 * stamped with the hour). When the survey is closing and no other process holds anything of it, a
 * cell whose total stays below its k is written as a withheld count only: no options, no texts.
 */
async function writeCells(
  db: DbOrTx,
  processId: string,
  surveyId: number,
  batch: Taken[],
  { closing, now }: { closing: boolean; now: Date },
): Promise<void> {
  shuffle(batch);
  const hour = floorToHour(now);
  await db.transaction(async (tx: Tx) => {
    // A graceful stop while the survey is still open writes everything: later answers may yet lift
    // the cell to k, and an answer left out would be lost.
    const final =
      closing &&
      (await isClosing(tx, surveyId)) &&
      (await heldByOthers(tx, SURVEY_HOLDERS, surveyId, processId)) === 0;
    const totals = final ? await cellTotals(tx, surveyId) : undefined;
    for (const { cell, taken } of batch) {
      const { question, unitId, options } = cell;
      if (question === FINISHED) {
        await tx.execute(sql`
          insert into survey_units (survey_id, unit_id, finished) values (${surveyId}, ${unitId}, ${taken.length})
          on conflict (survey_id, unit_id) do update set finished = survey_units.finished + excluded.finished`);
        continue;
      }
      const zeros = sql`array_fill(0, array[${options}::int])`;
      if (totals && (totals.get(`${question}:${unitId}`) ?? 0) + taken.length < cell.k) {
        await tx.execute(sql`
          insert into survey_cells (survey_id, question, unit_id, n, counts, withheld)
          values (${surveyId}, ${question}, ${unitId}, 0, coalesce(${zeros}, '{}'::int[]), ${taken.length})
          on conflict (survey_id, question, unit_id) do update set
            withheld = survey_cells.withheld + excluded.withheld`);
        continue;
      }
      const counts = new Array<number>(options).fill(0);
      const texts: string[] = [];
      for (const value of taken) {
        if (typeof value === 'string') texts.push(value);
        else counts[value]!++;
      }
      const added =
        counts.length === 0
          ? sql`'{}'::int[]`
          : sql`array[${sql.join(
              counts.map((c) => sql`${c}::int`),
              sql`, `,
            )}]`;
      await tx.execute(sql`
        insert into survey_cells (survey_id, question, unit_id, n, counts)
        values (${surveyId}, ${question}, ${unitId}, ${taken.length}, ${added})
        on conflict (survey_id, question, unit_id) do update set
          n = survey_cells.n + excluded.n,
          counts = array(
            select coalesce(a, 0) + coalesce(b, 0)
            from unnest(survey_cells.counts, excluded.counts) with ordinality as x(a, b, i) order by i)`);
      if (texts.length > 0) {
        shuffle(texts);
        await tx
          .insert(surveyTexts)
          .values(texts.map((text) => ({ surveyId, unitId, question, hour, text })));
      }
    }
  });
}

async function isClosing(tx: Tx, surveyId: number): Promise<boolean> {
  const [row] = await tx.select({ status: surveys.status }).from(surveys).where(eq(surveys.id, surveyId));
  return row?.status === 'closing';
}

/** Answers already written per (question, unit) of a survey, published or withheld. */
async function cellTotals(tx: Tx, surveyId: number): Promise<Map<string, number>> {
  const rows = await tx
    .select({
      question: surveyCells.question,
      unitId: surveyCells.unitId,
      n: surveyCells.n,
      withheld: surveyCells.withheld,
    })
    .from(surveyCells)
    .where(eq(surveyCells.surveyId, surveyId));
  return new Map(rows.map((row) => [`${row.question}:${row.unitId}`, row.n + row.withheld]));
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
