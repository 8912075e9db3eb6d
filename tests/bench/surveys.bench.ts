/**
 * A 10-question survey answered by 10,000 people (BENCH_PEOPLE) in DM, on PostgreSQL
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server). Each person starts the survey
 * and answers its ten questions one at a time, CONCURRENCY people at once: the answer path is
 * `stepSurvey` (the progress row's compare-and-set, the held count on the first step, the box in
 * memory, the batch write every k finishers). Baseline in the same run: one `select 1` round trip
 * per step at the same concurrency. Then the survey closes and every answer is counted: none lost.
 */

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { SurveyBox } from '../../bot/features/surveys/box';
import { beginSurvey, insertSurvey, sealInfo, stepSurvey } from '../../bot/features/surveys/store';
import type { SurveyQuestion } from '../../bot/features/surveys/types';
import { type Database, openDatabase } from '../../db/client';
import { people, roles, surveyCells, surveys, surveyUnits, units } from '../../db/schema';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TEAMS = 20;
const QUESTIONS: SurveyQuestion[] = Array.from({ length: 10 }, (_, i) => ({
  kind: (['scale', 'yesno', 'nps', 'choice', 'scale'] as const)[i % 5]!,
  text: { vi: `Câu hỏi ${i + 1}` },
  ...(i % 5 === 3 ? { options: ['A', 'B', 'C'] } : {}),
}));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function drive(count: number, concurrency: number, task: (i: number) => Promise<number[]>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push(...(await task(next++)));
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), elapsedMs: performance.now() - started };
}

async function open() {
  const server =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `pulse_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
  const drop = async () => {
    const again = postgres(server, { max: 1, onnotice: () => {} });
    await again.unsafe(`drop database if exists ${name} with (force)`);
    await again.end();
  };
  return { database, drop };
}

async function seed(database: Database): Promise<{ personIds: number[]; rootId: number }> {
  const { db } = database;
  const [root] = await db
    .insert(units)
    .values({ code: 'CTY', name: 'Công ty', path: '', depth: 0 })
    .returning();
  await db
    .update(units)
    .set({ path: `/${root!.id}/` })
    .where(eq(units.id, root!.id));
  const teamIds: number[] = [];
  for (let t = 0; t < TEAMS; t++) {
    const [team] = await db
      .insert(units)
      .values({ code: `T${t}`, name: `Tổ ${t}`, parentId: root!.id, path: '', depth: 1 })
      .returning();
    await db
      .update(units)
      .set({ path: `/${root!.id}/${team!.id}/` })
      .where(eq(units.id, team!.id));
    teamIds.push(team!.id);
  }
  const personIds: number[] = [];
  for (let start = 0; start < PEOPLE; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, PEOPLE - start) }, (_, j) => start + j);
    const inserted = await db
      .insert(people)
      .values(batch.map((i) => ({ displayName: `Công nhân ${i}` })))
      .returning({ id: people.id });
    await db.insert(roles).values(
      inserted.map((p, j) => ({
        personId: p.id,
        unitId: teamIds[batch[j]! % TEAMS]!,
        role: 'worker' as const,
        source: 'scenario' as const,
      })),
    );
    personIds.push(...inserted.map((p) => p.id));
  }
  return { personIds, rootId: root!.id };
}

export async function run(): Promise<void> {
  const { database, drop } = await open();
  try {
    await database.migrate();
    const { db } = database;
    const { personIds, rootId } = await seed(database);
    const now = new Date();
    const survey = await insertSurvey(db, {
      title: 'Bench',
      questions: QUESTIONS,
      audience: [{ id: rootId }],
      closesAt: new Date(now.getTime() + 3_600_000),
      minAnswers: 5,
      minTexts: 10,
      templateKey: null,
      bankRun: null,
      createdBy: null,
    });
    const box = new SurveyBox();
    const baseline = await drive(PEOPLE, CONCURRENCY, async () => {
      const times: number[] = [];
      for (let q = 0; q < QUESTIONS.length; q++) {
        const t0 = performance.now();
        await db.execute(sql`select 1`);
        times.push(performance.now() - t0);
      }
      return times;
    });
    let refused = 0;
    const answers = await drive(PEOPLE, CONCURRENCY, async (i) => {
      const personId = personIds[i]!;
      await beginSurvey(db, { surveyId: survey.id, personId, now: new Date() });
      const times: number[] = [];
      for (let q = 0; q < QUESTIONS.length; q++) {
        const t0 = performance.now();
        const outcome = await stepSurvey({ db }, box, {
          surveyId: survey.id,
          personId,
          question: q,
          answer: (i + q) % 2,
          now: new Date(),
        });
        times.push(performance.now() - t0);
        if (outcome.kind !== 'next' && outcome.kind !== 'done') refused++;
      }
      return times;
    });
    await box.sealAll(db, new Map([[survey.id, sealInfo(survey)]]), new Date());
    const [cells] = await db
      .select({ n: sql<number>`sum(${surveyCells.n})`.mapWith(Number) })
      .from(surveyCells)
      .where(eq(surveyCells.surveyId, survey.id));
    const [finished] = await db
      .select({ n: sql<number>`sum(${surveyUnits.finished})`.mapWith(Number) })
      .from(surveyUnits)
      .where(eq(surveyUnits.surveyId, survey.id));
    await db.delete(surveys).where(eq(surveys.id, survey.id));
    const row = (label: string, r: { latencies: number[]; elapsedMs: number }) =>
      `| ${label.padEnd(32)} | ${String(r.latencies.length).padStart(7)} | ${((r.latencies.length / r.elapsedMs) * 1000).toFixed(0).padStart(7)} | ${percentile(r.latencies, 50).toFixed(1).padStart(6)} | ${percentile(r.latencies, 99).toFixed(1).padStart(6)} |`;
    console.log(`PostgreSQL, ${PEOPLE} people × ${QUESTIONS.length} questions, ${CONCURRENCY} at once`);
    console.log('| path                             |   steps |   /s    | p50 ms | p99 ms |');
    console.log('| -------------------------------- | ------- | ------- | ------ | ------ |');
    console.log(row('baseline: select 1', baseline));
    console.log(row('answer path (stepSurvey)', answers));
    console.log(
      `p99 ratio answer/baseline: ${(percentile(answers.latencies, 99) / Math.max(0.01, percentile(baseline.latencies, 99))).toFixed(1)}x; ` +
        `answers counted ${cells?.n ?? 0} of ${PEOPLE * QUESTIONS.length}, finished ${finished?.n ?? 0} of ${PEOPLE}, refused ${refused}`,
    );
  } finally {
    await database.close();
    await drop();
  }
}
