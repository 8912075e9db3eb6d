/**
 * Hot-spot matcher benchmark. Prints:
 *  1. matching throughput on ~140-character Vietnamese messages with a 2,000-term lexicon: Pulse's
 *     one-pass matcher (folding included) against modern-ahocorasick (default and /fast backends)
 *     and one big RegExp alternation, both fed text folded by the usual normalize/replace chain;
 *  2. the same at 20,000 terms, with build times;
 *  3. end-to-end group messages/s through the Telegram adapter (grammY's handleUpdate, replies to
 *     the fake Bot API server, PGlite), without the hot-spot listener, and with it without and with hits.
 * Run: npm run bench hotspots, or npx tsx -e "import('./tests/bench/hotspots.bench.ts').then(m => m.run())"
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AhoCorasick from 'modern-ahocorasick';
import FastAhoCorasick from 'modern-ahocorasick/fast';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { createPulseEventHandler } from '../../bot/features';
import { assess, loadModel } from '../../bot/features/hotspots/assess';
import { listenForHotspots, lexiconOf as liveLexiconOf } from '../../bot/features/hotspots/index';
import type { Topic } from '../../bot/features/hotspots/lexicon';
import { Matcher } from '../../bot/features/hotspots/matcher';
import { foldText } from '../../bot/kernel/fold';
import { TextSignals } from '../../bot/kernel/text-signals';
import { createTelegramPlatform } from '../../bot/platforms/telegram';
import type { Deps } from '../../bot/runtime/deps';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { chats } from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { loadScenarioFile } from '../../scenarios/load';
import { startFakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';

const SHIPPED = fileURLToPath(new URL('../../scenarios/2024-dlxh.yaml', import.meta.url));
const LABELLED = fileURLToPath(new URL('../features/hotspots/fixtures/labelled.tsv', import.meta.url));

/** mulberry32: the same pseudo-random data on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INITIALS = 'b c ch d đ g gh h kh l m n ng nh ph qu s t th tr v x'.split(' ');
const NUCLEI = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'ươ', 'iê', 'uô', 'oa'];
const FINALS = ['', '', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't', 'i', 'o', 'u'];
const TONES = ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323'];

/** Plausible Vietnamese syllables with tone marks, so generated terms fold and verify like real ones. */
function syllables(count: number, next: () => number): string[] {
  const out = new Set<string>();
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  while (out.size < count) {
    const nucleus = pick(NUCLEI);
    const toned = nucleus.slice(0, 1) + pick(TONES) + nucleus.slice(1);
    out.add(`${pick(INITIALS)}${toned}${pick(FINALS)}`.normalize('NFC'));
  }
  return [...out];
}

/** The shipped lexicon's topics, padded with generated 2–4-word terms to `total` terms. */
function lexiconOf(shipped: Topic[], total: number): Topic[] {
  const next = random(total);
  const vocabulary = syllables(3000, next);
  const topics = shipped.map((t) => ({ ...t, terms: [...t.terms] }));
  let count = topics.reduce((n, t) => n + t.terms.length, 0);
  const seen = new Set(topics.flatMap((t) => t.terms.map((term) => term.text)));
  while (count < total) {
    const words = 2 + Math.floor(next() * 3);
    const text = Array.from({ length: words }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(
      ' ',
    );
    if (seen.has(text)) continue;
    seen.add(text);
    topics[count % topics.length]!.terms.push({ text, exact: false });
    count++;
  }
  return topics;
}

/**
 * ~140-character messages made of the labelled set's real lines. `chat`: calm lines (look-alikes
 * included), one message in ten carrying a hot line; `hot`: hot lines only, every message a hit.
 * They go through JSON as a platform's update does: a message's text reaches a handler as a string
 * of its own, not as a slice of a longer one (which V8 reads through one more indirection: Pulse
 * reads the text it is given, the others read the folded copy they make).
 */
function messagesOf(calm: string[], hot: string[], count: number, hotShare: number): string[] {
  const next = random(7);
  const pick = (lines: string[]) => lines[Math.floor(next() * lines.length)]!;
  const messages = Array.from({ length: count }, () => {
    const parts = next() < hotShare ? [pick(hot)] : [];
    while (parts.join(' ').length < 130)
      parts.splice(Math.floor(next() * (parts.length + 1)), 0, pick(hotShare === 1 ? hot : calm));
    return parts.join(' ').slice(0, 150);
  });
  return JSON.parse(JSON.stringify(messages)) as string[];
}

/** What a developer would write before handing text to a string matcher. */
const foldReference = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

type Find = (text: string) => number;

/** This process's CPU time in ms: on a shared machine it measures the work, not the neighbours' load. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Messages per CPU second, the best of three rounds. */
function timeIt(find: Find, messages: readonly string[], roundMs: number): number {
  let found = 0;
  let best = 0;
  for (const text of messages) found += find(text);
  for (let round = 0; round < 3; round++) {
    let done = 0;
    const start = cpuMs();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (const text of messages) found += find(text);
      done += messages.length;
      elapsed = cpuMs() - start;
    }
    best = Math.max(best, (done / elapsed) * 1000);
  }
  if (found < 0) console.log(found);
  return best;
}

function ahoCorasick(topics: Topic[], Backend: typeof AhoCorasick) {
  const patterns = topics.flatMap((topic, index) =>
    topic.terms.map((term) => ({ pattern: ` ${foldText(term.text)} `, data: index })),
  );
  const built = cpuMs();
  const ac = new Backend<number>(patterns);
  const buildMs = cpuMs() - built;
  const find: Find = (text) => {
    const topicsHit = new Set<number>();
    for (const hit of ac.search(` ${foldReference(text)} `)) topicsHit.add(hit.data!);
    return topicsHit.size;
  };
  return { find, buildMs };
}

function bigRegExp(topics: Topic[]) {
  const topicOf = new Map<string, number>();
  topics.forEach((topic, index) => {
    for (const term of topic.terms) topicOf.set(foldText(term.text), index);
  });
  const alternatives = [...topicOf.keys()]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const built = cpuMs();
  const regexp = new RegExp(`(?<= )(?:${alternatives.join('|')})(?= )`, 'g');
  const buildMs = cpuMs() - built;
  const find: Find = (text) => {
    const topicsHit = new Set<number>();
    for (const match of ` ${foldReference(text)} `.matchAll(regexp)) topicsHit.add(topicOf.get(match[0])!);
    return topicsHit.size;
  };
  return { find, buildMs };
}

function pulse(topics: Topic[]) {
  const built = cpuMs();
  const matcher = new Matcher(topics);
  const buildMs = cpuMs() - built;
  return { find: ((text) => matcher.match(text).length) as Find, buildMs, states: matcher.stateCount };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function matcherTables(shipped: Topic[], calm: string[], hot: string[]) {
  const chat = messagesOf(calm, hot, 4000, 0.1);
  const hotOnly = messagesOf(calm, hot, 4000, 1);
  const avgLength = chat.reduce((n, m) => n + m.length, 0) / chat.length;
  console.log(
    `messages: 4,000 of ~${Math.round(avgLength)} characters built from the labelled set's lines; ` +
      '"chat": calm lines (many look-alikes), one message in ten with a hot line; "hot": hot lines only',
  );
  for (const size of [2000, 20000]) {
    const topics = lexiconOf(shipped, size);
    const ours = pulse(topics);
    const rows: [string, { find: Find; buildMs: number }][] = [
      ['Pulse matcher (one pass, folding included)', ours],
      ['modern-ahocorasick + normalize() folding', ahoCorasick(topics, AhoCorasick)],
      ['modern-ahocorasick/fast + normalize() folding', ahoCorasick(topics, FastAhoCorasick)],
      ['one RegExp alternation + normalize() folding', bigRegExp(topics)],
    ];
    const hitShare = chat.filter((m) => ours.find(m) > 0).length / chat.length;
    console.log(
      `\n${size.toLocaleString('en-US')} terms (${ours.states.toLocaleString('en-US')} states; ${Math.round(hitShare * 100)}% of chat messages hit)`,
    );
    console.log(
      '| matcher | build CPU ms | chat msg/CPU s | hot msg/CPU s | Pulse × (chat) | Pulse × (hot) |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    const results = rows.map(([name, m]) => ({
      name,
      build: m.buildMs,
      chat: timeIt(m.find, chat, 400),
      hot: timeIt(m.find, hotOnly, 400),
    }));
    const base = results[0]!;
    for (const r of results) {
      console.log(
        `| ${r.name} | ${r.build.toFixed(0)} | ${fmt(r.chat)} | ${fmt(r.hot)} | ${(base.chat / r.chat).toFixed(1)}× | ${(base.hot / r.hot).toFixed(1)}× |`,
      );
    }
  }
}

/** What the model adds: per message that reaches it (has a word of the lexicon), in µs of CPU. */
function modelTable(shipped: Topic[], calm: string[], hot: string[]) {
  const matcher = new Matcher(shipped);
  const model = loadModel();
  const chat = messagesOf(calm, hot, 4000, 0.1);
  const reaching = chat.filter((m) => matcher.analyse(m).vocabulary);
  const lines = [...calm, ...hot];
  const reachingLines = lines.filter((m) => matcher.analyse(m).vocabulary);
  console.log(
    `\nThe model (shipped lexicon; ${Math.round((reaching.length / chat.length) * 100)}% of chat messages and ${Math.round((reachingLines.length / lines.length) * 100)}% of single labelled lines reach it)`,
  );
  console.log('| per message | chat msg/CPU s | µs/msg | single lines msg/CPU s | µs/line |');
  console.log('|---|---:|---:|---:|---:|');
  const rows: [string, Find, Find][] = [
    ['rules: matcher.match', (t) => matcher.match(t).length, (t) => matcher.match(t).length],
    [
      'rules: matcher.analyse',
      (t) => matcher.analyse(t).verdicts.length,
      (t) => matcher.analyse(t).verdicts.length,
    ],
    [
      'model.predict alone',
      (t) => (model.predict(t)[0]! > 2 ? 1 : 0),
      (t) => (model.predict(t)[0]! > 2 ? 1 : 0),
    ],
    [
      'assess (rules + model)',
      (t) => assess(matcher, model, t).length,
      (t) => assess(matcher, model, t).length,
    ],
  ];
  for (const [name, onChat, onLine] of rows) {
    const a = timeIt(onChat, reaching, 400);
    const b = timeIt(onLine, reachingLines, 400);
    console.log(`| ${name} | ${fmt(a)} | ${(1e6 / a).toFixed(2)} | ${fmt(b)} | ${(1e6 / b).toFixed(2)} |`);
  }
}

async function endToEnd(shipped: string) {
  const database = await createTestDatabase();
  const fake = await startFakeTelegram();
  try {
    const org = await seedOrg(database);
    await org.personWith(11, 'Lãnh đạo T1', { role: 'leader', unit: 'T1' });
    const loaded = await loadScenarioFile(shipped);
    if (!loaded.ok) throw new Error('invalid shipped scenario');
    // The file's directives are the 2024 plan: applied as of the day it was issued.
    const plan = await applyScenario(database.db, loaded.scenario, { now: new Date('2024-03-12T01:00:00Z') });
    if (plan.problems.length > 0) throw new Error('the shipped scenario did not apply');
    const group = -100_900;
    await database.db.insert(chats).values({
      platform: 'telegram',
      externalId: String(group),
      title: 'Tổ 1',
      unitId: org.ids.T1,
      inviteToken: 'bench',
      boundAt: new Date(),
    });

    const run = async (label: string, listen: boolean, text: (i: number) => string, count: number) => {
      const config = loadConfig({
        TELEGRAM_BOT_TOKEN: '123:BENCH-token-for-the-fake-server',
        TELEGRAM_API_ROOT: fake.apiRoot,
      });
      const messenger = new MessengerRouter();
      const deps: Deps = {
        db: database.db,
        messenger,
        clock: new FakeClock(),
        logger: pino({ level: 'silent' }),
        config,
        signals: new TextSignals(),
      };
      await liveLexiconOf(deps).refresh(database.db);
      if (listen) listenForHotspots(deps);
      const handle = createPulseEventHandler(deps);
      const telegram = createTelegramPlatform({ config: config.telegram!, handle, logger: deps.logger });
      messenger.register(telegram.messenger);
      await telegram.bot.init();
      const update = (i: number) => ({
        update_id: 1_000_000 + i,
        message: {
          message_id: i,
          date: 0,
          chat: { id: group, type: 'supergroup' as const, title: 'Tổ 1' },
          from: { id: 5000 + (i % 50), is_bot: false, first_name: `Thợ ${i % 50}` },
          text: text(i),
        },
      });
      for (let i = 0; i < 100; i++) await telegram.bot.handleUpdate(update(i));
      const start = cpuMs();
      for (let i = 100; i < 100 + count; i++) await telegram.bot.handleUpdate(update(i));
      const perSecond = (count / (cpuMs() - start)) * 1000;
      return { label, perSecond };
    };
    const calm =
      'Chiều nay họp tổ lúc 3 giờ, anh em nhớ mang theo sổ tay và đến đúng giờ nhé, ai vắng báo trước cho tổ trưởng';
    const hot = 'Công ty nợ lương anh em 3 tháng rồi, tết này không biết lấy gì mà sống, ae bức xúc lắm rồi';
    await run('warm-up', true, () => calm, 500);
    const before = await run('baseline', false, () => calm, 1000);
    const quiet = await run('listener on, messages without hits', true, () => calm, 1000);
    const hits = await run('listener on, every message a hit (2 topics)', true, () => hot, 500);
    const after = await run('baseline', false, () => calm, 1000);
    const baseline = {
      label: 'no hot-spot listener (baseline, mean of a run before and after)',
      perSecond: (before.perSecond + after.perSecond) / 2,
    };
    const rows = [baseline, quiet, hits];
    console.log(
      `\nEnd to end through the Telegram adapter (grammY handleUpdate, ${database.driver} in-process, 50 senders; per CPU second of this process)`,
    );
    console.log('| group messages | msg/CPU s | × baseline |');
    console.log('|---|---:|---:|');
    for (const row of rows) {
      console.log(
        `| ${row.label} | ${fmt(row.perSecond)} | ${(row.perSecond / rows[0]!.perSecond).toFixed(2)} |`,
      );
    }
  } finally {
    await fake.stop();
    await database.destroy();
  }
}

export async function run(): Promise<void> {
  const loaded = await loadScenarioFile(SHIPPED);
  if (!loaded.ok) throw new Error('invalid shipped scenario');
  const labelled = readFileSync(LABELLED, 'utf8')
    .split('\n')
    .filter((row) => row.trim() !== '' && !row.startsWith('#'))
    .map((row) => row.split('\t'));
  const textOf = (cols: string[]) => cols.slice(2).join('\t');
  const calm = labelled.filter((cols) => cols[0] === '-').map(textOf);
  const hot = labelled.filter((cols) => cols[0] !== '-').map(textOf);
  await matcherTables(loaded.scenario.lexicon!.topics, calm, hot);
  modelTable(loaded.scenario.lexicon!.topics, calm, hot);
  await endToEnd(SHIPPED);
}
