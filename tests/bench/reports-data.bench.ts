import { sql } from 'drizzle-orm';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { findUnitByCode } from '../../bot/features/org/units';
import { collectReport, resolvePeriod } from '../../bot/features/reports/collect';
import { directiveStatement } from '../../bot/features/reports/collect/directives';
import { feedbackStatement } from '../../bot/features/reports/collect/feedback';
import { previousPeriod, trendBuckets } from '../../bot/features/reports/collect/period';
import { pulseStatement, trendStatement } from '../../bot/features/reports/collect/pulses';
import { type Database, openDatabase } from '../../db/client';
import { simulate } from '../../scenarios/simulate/generate';

/**
 * collectReport for the root unit over a quarter on the simulated year (`npm run simulate`), on
 * Postgres (full scale unless BENCH_SCALE=small) and PGlite (small scale unless
 * BENCH_PGLITE_SCALE=full). Baseline: the same section statements run directly, one after
 * another. The query plans are checked: no sequential scan on the answer and delivery tables.
 */
const FULL = { people: 90_000, units: 1_000, months: 12 };
const SMALL = { people: 9_000, units: 200, months: 12 };
const SEED = 1;
/** The simulated year ends here; "last quarter" is then July–September 2026. */
const END = new Date('2026-10-31T17:00:00Z');
const TIMEZONE = 'Asia/Ho_Chi_Minh';
const WATCHED = ['poll_tallies', 'poll_participation', 'directive_deliveries', 'directive_acks', 'feedback'];
const RUNS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** A Postgres database of its own, simulated once and reused while its size matches. */
async function postgresDatabase(scale: typeof FULL): Promise<{ database: Database; simulatedMs?: number }> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `pulse_bench_reports_${scale.people}_${scale.units}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  const admin = await openDatabase({ databaseUrl: server, pgliteDir: '', poolSize: 1 });
  const [exists] = await admin.query<{ n: number }>(
    sql`select count(*)::int as n from pg_database where datname = ${name}`,
  );
  if (Number(exists?.n) === 0) await admin.query(sql.raw(`create database ${name}`));
  let database = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
  try {
    await database.migrate();
  } catch {
    // Simulated under migrations that have since been renumbered: start it again.
    await database.close();
    await admin.query(sql.raw(`drop database ${name}`));
    await admin.query(sql.raw(`create database ${name}`));
    database = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
    await database.migrate();
  }
  await admin.close();
  const [people] = await database.query<{ n: number }>(sql`select count(*)::int as n from people`);
  if (Number(people?.n) > 0) return { database };
  const simulatedMs = await timed(() => simulate(database, { ...scale, seed: SEED, end: END }));
  return { database, simulatedMs };
}

async function pgliteDatabase(scale: typeof FULL): Promise<{ database: Database; simulatedMs: number }> {
  const database = await openDatabase({ pgliteDir: 'memory://' });
  await database.migrate();
  const simulatedMs = await timed(() => simulate(database, { ...scale, seed: SEED, end: END }));
  return { database, simulatedMs };
}

/** Relations read by a sequential scan anywhere in the plan. */
function seqScans(plan: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(plan)) for (const item of plan) seqScans(item, found);
  else if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    if (node['Node Type'] === 'Seq Scan' && typeof node['Relation Name'] === 'string')
      found.add(node['Relation Name']);
    for (const value of Object.values(node)) if (typeof value === 'object') seqScans(value, found);
  }
  return found;
}

async function measure(label: string, database: Database, scale: typeof FULL, simulatedMs?: number) {
  const config = loadConfig({ PGLITE_DIR: 'memory://', BOT_TIMEZONE: TIMEZONE });
  const deps = {
    db: database.db,
    config,
    clock: { now: () => END },
    logger: pino({ level: 'silent' }),
  };
  const unit = (await findUnitByCode(database.db, 'TKV'))!;
  const period = resolvePeriod('quarter', END, TIMEZONE)!;
  const scope = { id: unit.id, path: unit.path, leaf: false };
  const statements = {
    pulses: pulseStatement(scope, period, previousPeriod(period, TIMEZONE)),
    trend: trendStatement(scope, trendBuckets(period, TIMEZONE).buckets),
    directives: directiveStatement(scope, period),
    feedback: feedbackStatement(scope, period),
  };
  const collect = () => collectReport(deps, { unit, period, locale: 'vi' });
  const cold = await timed(collect);
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await timed(collect));
  const direct: number[] = [];
  for (let i = 0; i < RUNS; i++)
    direct.push(
      await timed(async () => {
        for (const statement of Object.values(statements)) await database.query(statement);
      }),
    );
  const scans = new Set<string>();
  for (const statement of Object.values(statements)) {
    const [row] = await database.query<Record<string, unknown>>(sql`explain (format json) ${statement}`);
    const raw = Object.values(row ?? {})[0];
    seqScans(typeof raw === 'string' ? JSON.parse(raw) : raw, scans);
  }
  const bad = WATCHED.filter((table) => scans.has(table));
  const report = await collect();
  return {
    driver: label,
    scale: `${scale.people} people, ${scale.units} units`,
    'simulate s': simulatedMs === undefined ? 'reused' : (simulatedMs / 1000).toFixed(0),
    'collect cold ms': cold.toFixed(0),
    'collect warm ms': median(warm).toFixed(0),
    'direct SQL ms': median(direct).toFixed(0),
    ratio: (median(warm) / median(direct)).toFixed(2),
    'answers in quarter':
      report.pulses.overall.answers.kind === 'value' ? report.pulses.overall.answers.value : '-',
    'seq scans': [...scans].sort().join(' ') || 'none',
    'plan check': bad.length === 0 ? 'PASS' : `FAIL: ${bad.join(', ')}`,
    failed: bad.length > 0,
  };
}

export async function run(): Promise<void> {
  const small = process.env.BENCH_SCALE === 'small';
  const rows = [];
  const pgScale = small ? SMALL : FULL;
  const pg = await postgresDatabase(pgScale);
  try {
    rows.push(await measure('postgres', pg.database, pgScale, pg.simulatedMs));
  } finally {
    await pg.database.close();
  }
  const liteScale = process.env.BENCH_PGLITE_SCALE === 'full' && !small ? FULL : SMALL;
  const lite = await pgliteDatabase(liteScale);
  try {
    rows.push(await measure('pglite', lite.database, liteScale, lite.simulatedMs));
  } finally {
    await lite.database.close();
  }
  console.table(rows.map(({ failed, ...row }) => row));
  if (rows.some((row) => row.failed)) {
    console.log('Plan check FAILED: a watched table is read by a sequential scan.');
    process.exitCode = 1;
  }
}
