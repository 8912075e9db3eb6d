import { sql } from 'drizzle-orm';
import { MIN_THRESHOLD } from '../../kernel/anonymity';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour } from '../../kernel/time';
import type { Deps } from '../../runtime/deps';
import { rowsOf } from './store';

const BATCH = 500;

/**
 * The hourly step that gives open-text answers to the hot-spot matcher (through the text-signal
 * port it listens on, as feedback and poll comments do): only texts of an hour that has ended, only
 * from cells that hold at least k texts, in random order, each once (`signalled`, claimed with SKIP
 * LOCKED so two processes never give the same text twice). The signal carries the unit and the
 * hour, never a person.
 */
export async function signalSurveyTexts(deps: Deps, now: Date): Promise<number> {
  const hour = floorToHour(now);
  const claimed = await deps.db.transaction(async (tx) =>
    rowsOf<{ text: string; unit_id: number | string; hour: string | Date }>(
      await tx.execute(sql`
        with due as (
          select t.id from survey_texts t
          join surveys s on s.id = t.survey_id
          join survey_cells c on c.survey_id = t.survey_id and c.question = t.question and c.unit_id = t.unit_id
          where not t.signalled and t.hour < ${hour.toISOString()}::timestamptz
            and c.n >= greatest(s.min_texts, ${MIN_THRESHOLD}::int)
          limit ${BATCH}
          for update of t skip locked
        )
        update survey_texts t set signalled = true from due where t.id = due.id
        returning t.text, t.unit_id, t.hour`),
    ),
  );
  for (const row of shuffle(claimed)) {
    await deps.signals.publish({
      text: row.text,
      source: 'survey_text',
      unitId: Number(row.unit_id),
      chatId: null,
      at: new Date(row.hour),
    });
  }
  return claimed.length;
}
