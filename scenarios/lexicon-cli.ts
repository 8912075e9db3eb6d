import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../bot/features/hotspots';
import { formatErrors, loadScenarioFile } from './load';

const USAGE = `Usage: npm run --silent lexicon -- match --scenario FILE [--terms] < messages.txt

Reads messages from standard input, one per line, and prints one JSON line per input line:
  {"line":1,"topics":["wages"]}
with --terms, also the terms that matched: {"line":1,"topics":["wages"],"terms":["nợ lương"]}.
Nothing is written anywhere: use it to try a lexicon before applying the file.

Exit codes: 0 ok, 1 invalid file, 2 usage error.`;

export interface LexiconCliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runLexiconCli(argv: readonly string[], io: LexiconCliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = rest[0] === '--scenario' ? rest[1] : undefined;
  const flags = rest.slice(2);
  if (command !== 'match' || !file || flags.some((flag) => flag !== '--terms')) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let loaded: Awaited<ReturnType<typeof loadScenarioFile>>;
  try {
    loaded = await loadScenarioFile(file);
  } catch (error) {
    io.stderr.write(`Cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  if (!loaded.ok) {
    io.stderr.write(`${formatErrors(loaded.errors)}\n`);
    return 1;
  }
  const topics = loaded.scenario.lexicon?.topics ?? [];
  if (topics.length === 0) {
    io.stderr.write(`${file}: no lexicon: section\n`);
    return 1;
  }
  const matcher = new Matcher(topics);
  const withTerms = flags.includes('--terms');
  let line = 0;
  for await (const text of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    const hits = matcher.hits(text);
    const found = [...new Set(hits.map((hit) => hit.topic))].sort((a, b) => a - b);
    const result: Record<string, unknown> = { line, topics: found.map((i) => matcher.topicIds[i]) };
    if (withTerms) result.terms = [...new Set(hits.map((hit) => hit.term))];
    io.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return 0;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  process.exitCode = await runLexiconCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
