import { and, eq, gte, like, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import { feedback, pollComments, polls, surveys, surveyTexts, units } from '../../../../db/schema';
import { MIN_COMMENTS } from '../../../kernel/anonymity';
import { localParts } from '../../../kernel/time';
import { type TextTopic, toneOf } from '../../hotspots';
import type { CommentTone, Period, ThemeSection, Topic } from '../model';

/** An open text with what makes its base cell: its source (one survey, poll or day), unit and threshold. */
interface SourcedText {
  source: string;
  unitId: number;
  text: string;
  threshold: number;
}

/**
 * The open texts of the period in the scope's subtree: survey answers and poll comments of the
 * surveys and polls that closed in it (whole runs, by `closed_at`), and feedback by its hour (a
 * day of feedback is the source: periods start and end at local midnights, so a day is whole).
 */
async function periodTexts(
  db: DbOrTx,
  scopePath: string,
  period: Period,
  timeZone: string,
): Promise<SourcedText[]> {
  const inScope = like(units.path, `${scopePath}%`);
  const [surveyRows, pollRows, feedbackRows] = await Promise.all([
    db
      .select({ id: surveys.id, unitId: surveyTexts.unitId, text: surveyTexts.text, k: surveys.minTexts })
      .from(surveyTexts)
      .innerJoin(surveys, eq(surveys.id, surveyTexts.surveyId))
      .innerJoin(units, eq(units.id, surveyTexts.unitId))
      .where(
        and(
          eq(surveys.status, 'closed'),
          gte(surveys.closedAt, period.from),
          lt(surveys.closedAt, period.to),
          inScope,
        ),
      ),
    db
      .select({ id: polls.id, unitId: pollComments.unitId, text: pollComments.text, k: polls.minComments })
      .from(pollComments)
      .innerJoin(polls, eq(polls.id, pollComments.pollId))
      .innerJoin(units, eq(units.id, pollComments.unitId))
      .where(and(gte(polls.closedAt, period.from), lt(polls.closedAt, period.to), inScope)),
    db
      .select({ unitId: feedback.unitId, text: feedback.text, hour: feedback.hour })
      .from(feedback)
      .innerJoin(units, eq(units.id, feedback.unitId))
      .where(and(gte(feedback.hour, period.from), lt(feedback.hour, period.to), inScope)),
  ]);
  const day = (hour: Date) => {
    const p = localParts(hour, timeZone);
    return `${p.year}-${p.month}-${p.day}`;
  };
  return [
    ...surveyRows.map((r) => ({ source: `s${r.id}`, unitId: r.unitId, text: r.text, threshold: r.k })),
    ...pollRows.map((r) => ({ source: `p${r.id}`, unitId: r.unitId, text: r.text, threshold: r.k })),
    ...feedbackRows.map((r) => ({ source: `f${day(r.hour)}`, unitId: r.unitId, text: r.text, threshold: 0 })),
  ];
}

/**
 * Comments by hot-spot topic and tone, counts only, never a text. Each text falls in a base cell
 * (source, unit, topic, tone) — in one per topic it raises, or in "other" — and a cell counts only
 * when it holds at least the group minimum (10, or k, or the source's own text threshold when
 * higher). A group sums the counted cells, so it is either absent or at least that minimum, and the
 * difference of two reports (adjacent periods, a unit and its parent) is a sum of whole counted
 * cells: it never exposes fewer than the minimum.
 */
export async function themeSection(
  db: DbOrTx,
  options: { scopePath: string; period: Period; timeZone: string; k: number },
  classify: (text: string) => TextTopic[],
): Promise<ThemeSection | undefined> {
  const texts = await periodTexts(db, options.scopePath, options.period, options.timeZone);
  if (texts.length === 0) return undefined;
  const minGroup = Math.max(MIN_COMMENTS, options.k);
  const cells = new Map<string, { group: string; n: number; threshold: number }>();
  const topics = new Map<string, Topic>();
  for (const item of texts) {
    const tone = toneOf(item.text);
    const raised = classify(item.text);
    const keys = raised.length === 0 ? [''] : [...new Set(raised.map((t) => t.id))];
    for (const topic of raised) topics.set(topic.id, { key: topic.id, name: topic.name });
    for (const key of keys) {
      const group = `${key}\u0000${tone}`;
      const cellKey = `${item.source}\u0000${item.unitId}\u0000${group}`;
      const cell = cells.get(cellKey) ?? { group, n: 0, threshold: Math.max(minGroup, item.threshold) };
      cell.n += 1;
      cells.set(cellKey, cell);
    }
  }
  const groups = new Map<string, number>();
  for (const cell of cells.values()) {
    if (cell.n >= cell.threshold) groups.set(cell.group, (groups.get(cell.group) ?? 0) + cell.n);
  }
  return {
    minGroup,
    groups: [...groups]
      .map(([group, comments]) => {
        const [key, tone] = group.split('\u0000') as [string, CommentTone];
        return { topic: key ? (topics.get(key) ?? { key, name: key }) : null, tone, comments };
      })
      .sort((a, b) => b.comments - a.comments || (a.topic?.name ?? '~').localeCompare(b.topic?.name ?? '~')),
  };
}
