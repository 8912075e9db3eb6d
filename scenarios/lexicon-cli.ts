import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Model } from '../bot/features/hotspots';
import { assess, loadModel, Matcher } from '../bot/features/hotspots';
import { CORPUS_FILE, writeCorpus } from './corpus/generate';
import { evaluate, formatEvaluation, MODEL_FILE, readCorpus, trainModel, writeModel } from './lexicon-eval';
import { formatErrors, loadScenarioFile } from './load';

const SHIPPED = fileURLToPath(new URL('./2024-dlxh.yaml', import.meta.url));

const USAGE = `Usage: npm run --silent lexicon -- match --scenario FILE [--terms] [--rules-only] < messages.txt
       npm run --silent lexicon -- corpus | train | eval [--scenario FILE]

match reads messages from standard input, one per line, and prints one JSON line per input line:
  {"line":1,"topics":["wages"],"concepts":{"wages":["salary","late"]},"confidence":{"wages":0.97},"source":{"wages":"both"}}
with --terms, also the terms that matched ("terms":["nợ lương"]); with --rules-only, without the
model. Nothing is written anywhere: use it to try a lexicon before applying the file.
corpus regenerates scenarios/corpus/corpus.tsv from its templates (fixed seed); train fits the
model to it and writes bot/features/hotspots/model.json; eval prints precision and recall per topic
(k-fold cross-validation, the held-out tests/features/hotspots/fixtures/labelled.tsv, and per line on
the outsider set tests/features/hotspots/fixtures/outsider.tsv, tuned and untuned parts). The scenario
defaults to scenarios/2024-dlxh.yaml.

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
  const named = rest[0] === '--scenario' ? rest[1] : undefined;
  const flags = rest.slice(named ? 2 : 0);
  const known = command === 'match' ? ['--terms', '--rules-only'] : [];
  const commands = ['match', 'corpus', 'train', 'eval'];
  const file = named ?? (command === 'match' ? undefined : SHIPPED);
  if (!command || !commands.includes(command) || !file || flags.some((flag) => !known.includes(flag))) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'corpus') {
    io.stdout.write(`${CORPUS_FILE}: ${writeCorpus()} lines\n`);
    return 0;
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
  if (command === 'train') {
    const corpus = readCorpus();
    writeModel(trainModel(matcher, corpus));
    io.stdout.write(`${MODEL_FILE}: trained on ${corpus.length} lines of ${CORPUS_FILE}\n`);
    return 0;
  }
  const model: Model | undefined = flags.includes('--rules-only') ? undefined : loadModel();
  if (command === 'eval') {
    io.stdout.write(`${formatEvaluation(evaluate(matcher, readCorpus(), model ?? loadModel()))}\n`);
    return 0;
  }
  const withTerms = flags.includes('--terms');
  let line = 0;
  for await (const text of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    const found = assess(matcher, model, text);
    const id = (topic: number) => matcher.topicIds[topic]!;
    const per = <T>(value: (a: (typeof found)[number]) => T) =>
      Object.fromEntries(found.map((a) => [id(a.topic), value(a)]));
    const result: Record<string, unknown> = {
      line,
      topics: found.map((a) => id(a.topic)),
      concepts: per((a) => a.concepts),
      confidence: per((a) => a.confidence),
      source: per((a) => a.source),
    };
    if (withTerms) result.terms = [...new Set(matcher.hits(text).map((hit) => hit.term))];
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
