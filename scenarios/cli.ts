import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Config, ConfigError, loadConfig } from '../bot/config';
import { type Database, DatabaseLockedError, openDatabase } from '../db/client';
import { applyScenario, planScenario } from './engine/index';
import { formatErrors, loadScenarioFile, type ScenarioError } from './load';
import { readAdminEndpoint, sendToRunningPulse } from './remote';
import { formatPath, walkUnits } from './schema';
import { planLines } from './service';

const USAGE = `Usage: npm run scenario -- <command> FILE [--now DATE-TIME]

Commands:
  validate FILE   check the file and report errors with their line numbers
  plan FILE       show what apply would change in the database
  apply FILE      apply the file in one transaction and show what changed

--now 2024-03-12T08:00+07:00 plans or applies as of that moment (to rehearse a past or future plan).

Exit codes: 0 ok, 1 invalid file, 2 usage or configuration error.`;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Defaults to the real database from the configuration; tests pass their own. */
  openDatabase?: (options: Parameters<typeof openDatabase>[0]) => Promise<Database>;
  /** Defaults to the current time. */
  now?: () => Date;
}

const COMMANDS = ['validate', 'plan', 'apply'] as const;
type Command = (typeof COMMANDS)[number];

export async function runScenarioCli(argv: readonly string[], io: CliIo): Promise<number> {
  const print = (text: string) => io.stdout.write(`${text}\n`);
  const fail = (text: string) => io.stderr.write(`${text}\n`);
  const nowAt = argv.indexOf('--now');
  const nowText = nowAt >= 0 ? argv[nowAt + 1] : undefined;
  const [command, file, ...extra] = nowAt >= 0 ? [...argv.slice(0, nowAt), ...argv.slice(nowAt + 2)] : argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    print(USAGE);
    return 0;
  }
  const nowOption = nowText === undefined ? undefined : new Date(nowText);
  if (
    !COMMANDS.includes(command as Command) ||
    !file ||
    extra.length > 0 ||
    (nowAt >= 0 && (!nowOption || Number.isNaN(nowOption.getTime())))
  ) {
    fail(USAGE);
    return 2;
  }

  let loaded: Awaited<ReturnType<typeof loadScenarioFile>>;
  try {
    loaded = await loadScenarioFile(file);
  } catch (error) {
    fail(`Cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  if (!loaded.ok) {
    fail(formatErrors(loaded.errors));
    fail(`${file}: ${loaded.errors.length} error(s)${command === 'apply' ? '; nothing was applied' : ''}.`);
    return 1;
  }
  const { scenario, locate } = loaded;
  if (command === 'validate') {
    const units = [...walkUnits(scenario.units ?? [])].length;
    const directives = scenario.directives.length ? `, ${scenario.directives.length} directives` : '';
    const polls = scenario.polls.length ? `, ${scenario.polls.length} recurring polls` : '';
    const topics = scenario.lexicon?.topics ?? [];
    const terms = topics.reduce((total, topic) => total + topic.terms.length, 0);
    const lexicon = scenario.lexicon ? `, ${topics.length} hot-spot topics with ${terms} terms` : '';
    print(
      `${file}: valid (${units} units, ${scenario.people.length} people, ${scenario.chats.length} chats${directives}${polls}${lexicon}).`,
    );
    return 0;
  }

  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message);
    return 2;
  }
  let database: Database;
  try {
    database = await (io.openDatabase ?? openDatabase)(config.database);
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    const endpoint = config.database.databaseUrl ? null : readAdminEndpoint(config.database.pgliteDir);
    if (!endpoint) {
      fail(error.message);
      return 2;
    }
    return runOnRunningPulse(endpoint, command as 'plan' | 'apply', file, nowText, print, fail);
  }
  const now = nowOption ?? io.now?.() ?? new Date();
  const timezone = config.timezone;
  try {
    await database.migrate();
    const plan =
      command === 'plan'
        ? await planScenario(database.db, scenario, { now, timezone })
        : await applyScenario(database.db, scenario, { now, timezone });
    if (plan.problems.length > 0) {
      const errors = plan.problems.map(
        (p): ScenarioError => ({ ...locate(p.path), field: formatPath(p.path), message: p.message }),
      );
      fail(formatErrors(errors));
      fail(`${file}: ${errors.length} error(s)${command === 'apply' ? '; nothing was applied' : ''}.`);
      return 1;
    }
    const { lines, changes } = planLines(plan, timezone);
    for (const line of lines) print(line);
    if (command === 'apply' && changes > 0) print(`Applied ${changes} change(s).`);
    return 0;
  } finally {
    await database.close();
  }
}

/** PGLITE_DIR is held by a running Pulse: the file goes to it over its local admin endpoint. */
async function runOnRunningPulse(
  endpoint: NonNullable<ReturnType<typeof readAdminEndpoint>>,
  command: 'plan' | 'apply',
  file: string,
  now: string | undefined,
  print: (text: string) => void,
  fail: (text: string) => void,
): Promise<number> {
  try {
    const text = await readFile(file, 'utf8');
    const outcome = await sendToRunningPulse(endpoint, { command, file, text, ...(now && { now }) });
    print(`(sent to the running Pulse at ${endpoint.url}: it holds the database)`);
    if (outcome.kind === 'invalid') {
      for (const line of outcome.errors) fail(line);
      fail(
        `${file}: ${outcome.errors.length} error(s)${command === 'apply' ? '; nothing was applied' : ''}.`,
      );
      return 1;
    }
    for (const line of outcome.lines) print(line);
    if (outcome.kind === 'applied' && outcome.changes > 0) print(`Applied ${outcome.changes} change(s).`);
    return 0;
  } catch (error) {
    fail(`Cannot ${command} on the running Pulse: ${(error as Error).message}`);
    return 2;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  const { default: dotenv } = await import('dotenv');
  dotenv.config({ quiet: true });
  process.exitCode = await runScenarioCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
