import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../bot/config';
import { openDatabase } from '../db/client';
import { simulate } from './simulate/generate';

const USAGE = `Usage: npm run simulate -- [--people 90000] [--units 1000] [--months 12] [--seed 1] [--end YYYY-MM-DD]

Fills the configured database (DATABASE_URL, else PGLITE_DIR) with a synthetic organisation and
its year: units, people, roles, bound groups, pulses with tallies and participation, directives
with deliveries and acknowledgements, anonymous feedback. The database must have no units yet.
The year ends at --end (default: the first day of the current month), in the configured time zone.`;

const NUMBER_FLAGS = {
  '--people': 'people',
  '--units': 'units',
  '--months': 'months',
  '--seed': 'seed',
} as const;

export function parseSimulateArgs(argv: readonly string[]) {
  const options = { people: 90_000, units: 1_000, months: 12, seed: 1, end: undefined as string | undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) return null;
    if (flag === '--end') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
      options.end = value;
    } else if (flag in NUMBER_FLAGS) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) return null;
      options[NUMBER_FLAGS[flag as keyof typeof NUMBER_FLAGS]] = n;
    } else return null;
  }
  return options;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const now = new Date();
  const end = args.end ?? `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-01`;
  const { zonedTimeToUtc } = await import('../bot/kernel/time');
  const [year, month, day] = end.split('-').map(Number) as [number, number, number];
  const endAt = zonedTimeToUtc({ year, month, day, hour: 0, minute: 0 }, config.timezone);
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    const started = performance.now();
    await simulate(database, {
      ...args,
      end: endAt,
      progress: (step, ms) => process.stdout.write(`${step.padEnd(18)} ${(ms / 1000).toFixed(1)} s\n`),
    });
    process.stdout.write(
      `Simulated ${args.people} people in ${args.units} units over ${args.months} months up to ${end} ` +
        `on ${database.driver} in ${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  const { default: dotenv } = await import('dotenv');
  dotenv.config({ quiet: true });
  process.exitCode = await main(process.argv.slice(2));
}
