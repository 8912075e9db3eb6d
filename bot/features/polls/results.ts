import { and, asc, desc, eq, inArray, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollComments, polls, pollTallies, pollUnits, units } from '../../../db/schema';
import { isPublishable, participationShown, type SuppressedView, suppress } from '../../kernel/anonymity';
import type { Locale } from '../../kernel/i18n';
import { isWithinPath } from '../../kernel/roles';
import { formatDateTime, formatDayMonth } from '../../kernel/time';
import { type MessageKey, translate } from '../../messages';
import { shownAnsweredCount } from './participation';
import { optionLabel } from './render';
import type { PollRow } from './types';

export interface ResultCell {
  unit: { id: number; code: string; name: string; path: string };
  /** People asked there when the poll was sent. */
  members: number;
  counts: number[];
  n: number;
}

export interface TrendPoint {
  pollId: number;
  occurrence: Date;
  n: number;
  /** False when the run had fewer answers than its threshold: nothing about it is shown. */
  shown: boolean;
  counts: number[];
}

export interface Results {
  poll: PollRow;
  cells: ResultCell[];
  /** Poll-wide participation, or null when withheld (a unit of the poll has fewer than k people). */
  answered: number | null;
  /** Cells shown: the publishable ones; the total and `overall` sum only those. */
  view: SuppressedView<number>;
  overall: number[];
  /** Only once the poll is closed; in random order (ids are random), never in the order written. */
  comments: { unitId: number; text: string }[];
  /** Earlier runs of the same series, newest first, this one included when closed. */
  trend: TrendPoint[];
}

const TREND_RUNS = 6;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function addInto(target: number[], counts: readonly number[]): void {
  counts.forEach((c, i) => {
    target[i] = (target[i] ?? 0) + c;
  });
}

export async function loadResults(db: DbOrTx, pollId: number): Promise<Results | undefined> {
  const [poll] = await db.select().from(polls).where(eq(polls.id, pollId));
  if (!poll) return undefined;
  const rows = await db
    .select({
      unit: { id: units.id, code: units.code, name: units.name, path: units.path },
      members: pollUnits.members,
      counts: pollTallies.counts,
      withheld: pollTallies.withheld,
    })
    .from(pollUnits)
    .innerJoin(units, eq(units.id, pollUnits.unitId))
    .leftJoin(
      pollTallies,
      and(eq(pollTallies.pollId, pollUnits.pollId), eq(pollTallies.unitId, pollUnits.unitId)),
    )
    .where(eq(pollUnits.pollId, pollId))
    .orderBy(asc(units.path));
  const cells = rows.map((row) => {
    const counts = row.counts ?? poll.options.map(() => 0);
    return { unit: row.unit, members: row.members, counts, n: sum(counts) + (row.withheld ?? 0) };
  });
  const closed = poll.status === 'closed';
  const view = publishedView(cells, closed, poll.minAnswers);
  const overall = poll.options.map(() => 0);
  for (const cell of cells)
    if (view.cells.find((c) => c.key === cell.unit.id)?.shown) addInto(overall, cell.counts);
  return {
    poll,
    cells,
    answered: await shownAnsweredCount(db, pollId),
    view,
    overall,
    comments: closed
      ? await db
          .select({ unitId: pollComments.unitId, text: pollComments.text })
          .from(pollComments)
          .where(eq(pollComments.pollId, pollId))
          .orderBy(pollComments.id)
      : [],
    trend: poll.seriesId !== null && poll.occurrence !== null ? await loadTrend(db, poll) : [],
  };
}

/**
 * The view of one poll's cells under the one rule (`isPublishable`): a cell is shown only when the
 * poll is closed and it holds at least k answers, and the total sums the shown cells only — a
 * withheld cell is in no total, so nothing shown can be subtracted to reach it. `suppress` then
 * runs over the publishable cells as a second guard (it hides nothing more, as each is ≥ k).
 */
function publishedView(cells: readonly ResultCell[], closed: boolean, k: number): SuppressedView<number> {
  const publishable = cells.filter((cell) => isPublishable({ closed, k, n: cell.n }));
  const guard = suppress(
    publishable.map((cell) => ({ key: cell.unit.id, n: cell.n })),
    k,
  );
  const shownKeys = new Set(guard.cells.filter((c) => c.shown).map((c) => c.key));
  const total = publishable.reduce((acc, cell) => acc + (shownKeys.has(cell.unit.id) ? cell.n : 0), 0);
  return {
    cells: cells.map((cell) => ({ key: cell.unit.id, n: cell.n, shown: shownKeys.has(cell.unit.id) })),
    total,
    totalShown: total >= k,
  };
}

async function loadTrend(db: DbOrTx, poll: PollRow): Promise<TrendPoint[]> {
  const runs = await db
    .select()
    .from(polls)
    .where(
      and(
        eq(polls.seriesId, poll.seriesId!),
        lte(polls.occurrence, poll.occurrence!),
        or(eq(polls.status, 'closed'), eq(polls.id, poll.id)),
      ),
    )
    .orderBy(desc(polls.occurrence))
    .limit(TREND_RUNS);
  const closedRuns = runs.filter((run) => run.status === 'closed');
  if (closedRuns.length === 0) return [];
  const tallies = await db
    .select({ pollId: pollTallies.pollId, counts: pollTallies.counts })
    .from(pollTallies)
    .where(
      inArray(
        pollTallies.pollId,
        closedRuns.map((run) => run.id),
      ),
    );
  return closedRuns.map((run) => {
    // The same rule as every other view: a run sums its publishable cells only, and a run with
    // none shows nothing, not even its mean.
    const counts = run.options.map(() => 0);
    for (const tally of tallies) {
      if (tally.pollId !== run.id) continue;
      if (isPublishable({ closed: true, k: run.minAnswers, n: sum(tally.counts) }))
        addInto(counts, tally.counts);
    }
    const n = sum(counts);
    return { pollId: run.id, occurrence: run.occurrence!, n, shown: n >= run.minAnswers, counts };
  });
}

export interface RenderOptions {
  locale: Locale;
  timeZone: string;
  /** 'all': every cell; `{ under }`: the cells inside that unit path's subtree; a set: those units. */
  visibleUnits: 'all' | { under: string } | ReadonlySet<number>;
  /** Include the comments (for leaders and admins in a DM, never in group chats). */
  comments: boolean;
}

export function mean(counts: readonly number[]): number {
  const n = sum(counts);
  return n === 0 ? 0 : counts.reduce((acc, c, i) => acc + c * (i + 1), 0) / n;
}

const BAR_WIDTH = 10;

function bar(share: number): string {
  const filled = Math.round(share * BAR_WIDTH);
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

const percent = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.min(100, Math.round((100 * part) / whole));

/**
 * The results as text. Every number shown comes from the suppressed view: hidden cells say only
 * that there are not enough answers to keep them anonymous.
 */
export function renderResults(results: Results | undefined, options: RenderOptions): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) =>
    translate(options.locale, key, params);
  if (!results) return t('polls.unknown');
  const { poll, view } = results;
  const decimal = new Intl.NumberFormat(options.locale === 'vi' ? 'vi-VN' : 'en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  // A rate needs a known audience: Pulse knows group members only once it has seen them.
  const participation =
    results.answered === null
      ? t('polls.answeredWithheld')
      : poll.audienceSize >= results.answered && poll.audienceSize > 0
        ? t('polls.results.participation', {
            answered: results.answered,
            asked: poll.audienceSize,
            percent: percent(results.answered, poll.audienceSize),
          })
        : t('polls.results.participationCount', { answered: results.answered });
  if (poll.status === 'open') {
    return [
      t('polls.results.openTitle', { id: poll.id }),
      poll.question,
      participation,
      t('polls.results.hiddenUntilClose', { time: formatDateTime(poll.closesAt, options.timeZone) }),
    ].join('\n');
  }

  const distribution = (counts: readonly number[]) => {
    const n = sum(counts);
    const lines = counts.map(
      (c, i) => `${optionLabel(poll, i)}  ${bar(n === 0 ? 0 : c / n)} ${c} (${percent(c, n)}%)`,
    );
    if (poll.kind === 'scale' && n > 0)
      lines.push(t('polls.results.mean', { mean: decimal.format(mean(counts)) }));
    return lines;
  };
  const notEnough = t('polls.results.notEnough', { k: poll.minAnswers });
  const lines = [t('polls.results.closedTitle', { id: poll.id }), poll.question, participation, ''];
  lines.push(
    view.totalShown
      ? t('polls.results.overall', { n: view.total })
      : `${t('polls.results.overallLabel')}: ${notEnough}`,
  );
  if (view.totalShown) lines.push(...distribution(results.overall));

  const visible = visibleCells(results, options);
  if (results.cells.length > 1) {
    for (const cell of visible) {
      const shown = view.cells.find((c) => c.key === cell.unit.id)?.shown ?? false;
      const label = `${cell.unit.name} (${cell.unit.code})`;
      lines.push('');
      // Participation follows the answers' threshold: "no answers" only where the unit has at
      // least k people asked; any other unshown cell reads the same, whatever it holds.
      if (!shown) {
        const none = cell.n === 0 && participationShown(cell.members, 0, poll.minAnswers);
        lines.push(`${label}: ${none ? t('polls.results.none') : notEnough}`);
      } else {
        lines.push(
          cell.members >= cell.n
            ? t('polls.results.unit', {
                unit: label,
                n: cell.n,
                members: cell.members,
                percent: percent(cell.n, cell.members),
              })
            : t('polls.results.unitCount', { unit: label, n: cell.n }),
        );
        lines.push(...distribution(cell.counts));
      }
    }
  }
  if (options.comments && poll.comments) lines.push('', ...renderComments(results, visible, options));
  if (results.trend.length > 1) lines.push('', ...renderTrend(results, options, decimal));
  return lines.join('\n');
}

function visibleCells(results: Results, options: RenderOptions): ResultCell[] {
  const { visibleUnits } = options;
  if (visibleUnits === 'all') return results.cells;
  if ('under' in visibleUnits)
    return results.cells.filter((cell) => isWithinPath(cell.unit.path, visibleUnits.under));
  return results.cells.filter((cell) => visibleUnits.has(cell.unit.id));
}

/**
 * Comments per unit with the free-text threshold: a unit's comments are listed only when it has at
 * least k; the hidden ones are pooled under "other units" when the pool itself reaches k (which
 * complementary suppression guarantees whenever any are hidden and anything is shown).
 */
function renderComments(results: Results, visible: readonly ResultCell[], options: RenderOptions): string[] {
  const t = (key: MessageKey, params?: Record<string, string | number>) =>
    translate(options.locale, key, params);
  const k = results.poll.minComments;
  const byUnit = new Map<number, string[]>();
  for (const comment of results.comments) {
    byUnit.set(comment.unitId, [...(byUnit.get(comment.unitId) ?? []), comment.text]);
  }
  const view = suppress(
    results.cells.map((cell) => ({ key: cell.unit.id, n: byUnit.get(cell.unit.id)?.length ?? 0 })),
    k,
  );
  if (!view.totalShown) return [t('polls.results.commentsNotEnough', { k })];
  const lines = [t('polls.results.comments', { n: view.total })];
  const visibleIds = new Set(visible.map((cell) => cell.unit.id));
  const pooled: string[] = [];
  for (const cell of view.cells) {
    const texts = byUnit.get(cell.key) ?? [];
    if (texts.length === 0) continue;
    if (!cell.shown) {
      pooled.push(...texts);
      continue;
    }
    if (!visibleIds.has(cell.key)) continue;
    const unit = results.cells.find((c) => c.unit.id === cell.key)!.unit;
    lines.push('', `${unit.name} (${unit.code}):`, ...texts.map((text) => `• ${text}`));
  }
  if (pooled.length > 0) {
    lines.push('');
    if (options.visibleUnits === 'all' && pooled.length >= k) {
      lines.push(t('polls.results.otherUnits'), ...pooled.map((text) => `• ${text}`));
    } else lines.push(t('polls.results.commentsWithheld', { k }));
  }
  return lines;
}

function renderTrend(results: Results, options: RenderOptions, decimal: Intl.NumberFormat): string[] {
  const t = (key: MessageKey, params?: Record<string, string | number>) =>
    translate(options.locale, key, params);
  const { poll } = results;
  const lines = [t('polls.results.trend')];
  for (const point of results.trend) {
    const day = formatDayMonth(point.occurrence, options.timeZone);
    if (!point.shown) {
      lines.push(`${day}: ${t('polls.results.trendNotEnough')}`);
      continue;
    }
    const figure =
      poll.kind === 'scale'
        ? decimal.format(mean(point.counts))
        : `${optionLabel(poll, 0)} ${percent(point.counts[0] ?? 0, point.n)}%`;
    lines.push(`${day}: ${figure} (${t('polls.results.answers', { n: point.n })})`);
  }
  return lines;
}
