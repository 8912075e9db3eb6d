import { findUnitByCode } from '../../../bot/features/org/units';
import { collectReport, resolvePeriod } from '../../../bot/features/reports/collect';
import type { Period, SituationReport } from '../../../bot/features/reports/model';
import { feedback, type SurveyQuestion, surveyCells, surveys, surveyTexts } from '../../../db/schema';
import type { TestDatabase } from '../../helpers/db';
import { createHarness, type Harness } from '../../helpers/harness';
import { applyText } from '../directives/fixtures';
import { WORLD } from './world';

/** CTY → CB1 → T1, CTY → CB2 (world.ts) and a lexicon of two topics for the comment themes. */
const LEXICON = `lexicon:
  topics:
    - id: wages
      name: Tiền lương
      severity: high
      surge: { hits: 3, window: 10m }
      terms: [nợ lương, tiền lương]
      playbook: Xác minh.
    - id: meals
      name: Bữa ăn ca
      severity: low
      surge: { hits: 3, window: 10m }
      terms: [bữa ăn, cơm ca]
      playbook: Hỏi bếp.
`;

export const QUESTIONS: SurveyQuestion[] = [
  { kind: 'scale', text: { vi: 'Bạn hài lòng với công việc?' } },
  { kind: 'yesno', text: { vi: 'Bạn được trả lương đúng hạn?' } },
  { kind: 'text', text: { vi: 'Bạn muốn góp ý gì?' } },
];

export interface HeatWorld {
  h: Harness;
  ids: Record<'CTY' | 'CB1' | 'T1' | 'CB2', number>;
}

export async function heatWorld(database: TestDatabase): Promise<HeatWorld> {
  await database.reset();
  await applyText(database, WORLD + LEXICON, new Date('2024-03-01T01:00:00Z'));
  const h = createHarness(database);
  h.clock.set(new Date('2024-03-25T02:00:00Z'));
  const ids = {} as HeatWorld['ids'];
  for (const code of ['CTY', 'CB1', 'T1', 'CB2'] as const)
    ids[code] = (await findUnitByCode(h.deps.db, code))!.id;
  return { h, ids };
}

/**
 * A closed run of the template "q" with the given cells: per unit and question, the option counts
 * (scale 1–5, yes/no). The counters are written as the surveys feature writes them.
 */
export async function closedSurvey(
  database: TestDatabase,
  closedAt: string,
  cells: { unitId: number; question: number; counts: number[] }[],
  texts: { unitId: number; text: string }[] = [],
): Promise<number> {
  const [row] = await database.db
    .insert(surveys)
    .values({
      templateKey: 'q',
      title: 'Khảo sát quý',
      questions: QUESTIONS,
      audience: [],
      status: 'closed',
      minAnswers: 5,
      minTexts: 10,
      closesAt: new Date(closedAt),
      closedAt: new Date(closedAt),
    })
    .returning({ id: surveys.id });
  const id = row!.id;
  if (cells.length > 0)
    await database.db.insert(surveyCells).values(
      cells.map((c) => ({
        surveyId: id,
        question: c.question,
        unitId: c.unitId,
        n: c.counts.reduce((a, b) => a + b, 0),
        counts: c.counts,
      })),
    );
  if (texts.length > 0)
    await database.db.insert(surveyTexts).values(
      texts.map((t) => ({
        surveyId: id,
        question: 2,
        unitId: t.unitId,
        hour: new Date(closedAt),
        text: t.text,
      })),
    );
  return id;
}

/** `n` anonymous feedback messages about a unit, in the given hour. */
export async function feedbackAt(
  database: TestDatabase,
  unitId: number,
  hour: string,
  text: string,
  n: number,
) {
  await database.db.insert(feedback).values(
    Array.from({ length: n }, (_, i) => ({
      unitId,
      hour: new Date(hour),
      text: `${text} (${i + 1})`,
      relayed: true,
    })),
  );
}

export function days(h: Harness, from: string, to: string): Period {
  return resolvePeriod({ from, to }, h.clock.now(), h.config.timezone)!;
}

export async function reportOf(
  world: HeatWorld,
  code: keyof HeatWorld['ids'],
  period: Period,
): Promise<SituationReport> {
  const unit = (await findUnitByCode(world.h.deps.db, code))!;
  return collectReport(world.h.deps, { unit, period, locale: 'vi' });
}
