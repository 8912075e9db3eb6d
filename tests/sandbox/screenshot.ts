/**
 * Makes the README's picture (docs/sandbox.png): the demo company in the sandbox, driven through
 * the sandbox's HTTP API as its people would — an admin's pulse answered by eight workers and its
 * results, a directive with its "Đã nắm" acknowledgements, a hot-spot alert in the leader's DM —
 * photographed with headless chromium (apt-get install -y chromium fonts-noto-color-emoji).
 *
 *   npm run screenshot            # writes docs/sandbox.png
 *   npm run screenshot -- out.png # somewhere else
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { PulseApp } from '../../bot/app';
import { ACK_EDIT_THROTTLE_MS } from '../../bot/features/directives';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, startSandboxApp } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve(process.argv[2] ?? fileURLToPath(new URL('../../docs/sandbox.png', import.meta.url)));

/**
 * The demo has at most three workers per team, and a team's results stay hidden below k = 5: the
 * picture's copy of the demo gives Tổ Khai thác 1 five more (made-up) workers, nothing else.
 */
const EXTRA_WORKERS = [
  ['nguyen-van-khoa', 'Nguyễn Văn Khoa', 'khoa'],
  ['tran-van-long', 'Trần Văn Long', 'long'],
  ['le-thi-nga', 'Lê Thị Nga', 'nga'],
  ['pham-van-phuc', 'Phạm Văn Phúc', 'phuc'],
  ['vu-thi-quyen', 'Vũ Thị Quyên', 'quyen'],
] as const;
const TEAM = 'grp:grp-t-kt1';
/** Who answers the pulse in the team's group, and how (1–5). */
const ANSWERS: [persona: string, choice: number][] = [
  ['hung', 4],
  ['mai', 3],
  ['khoa', 4],
  ['long', 5],
  ['nga', 2],
  ['phuc', 4],
  ['quyen', 3],
];

async function seedDemo(database: TestDatabase): Promise<void> {
  const demo = readFileSync(fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url)), 'utf8');
  const people = EXTRA_WORKERS.map(
    ([key, name, sandbox]) =>
      `  - key: ${key}\n    name: ${name}\n    identities: { sandbox: ${sandbox} }\n    roles: [{ role: worker, unit: T-KT1 }]\n`,
  ).join('');
  const text = demo.replace(/\nchats:\n/, `\n${people}\nchats:\n`);
  const parsed = parseScenario(text, 'demo.yaml (+5 workers for the picture)');
  if (!parsed.ok) throw new Error(formatErrors(parsed.errors));
  await applyScenario(database.db, parsed.scenario, { now: new Date() });
}

type Api = ReturnType<typeof client>;

async function say(api: Api, persona: string, chat: string, text: string): Promise<void> {
  const sent = await api.send({ persona, chat, text });
  if (sent.status !== 200) throw new Error(`${persona} in ${chat}: ${sent.body.error}`);
}

async function lastBotMessage(api: Api, persona: string, chat: string, includes: string) {
  const { messages } = (await api.messages(persona, chat)).body;
  const found = messages.findLast((m) => m.sender === 'bot' && m.text.includes(includes));
  if (!found) throw new Error(`no bot message with "${includes}" in ${chat} for ${persona}`);
  return found;
}

async function press(api: Api, persona: string, chat: string, messageId: number, data: string) {
  const pressed = await api.press({ persona, chat, messageId, data });
  if (pressed.status !== 200) throw new Error(`${persona} pressing ${data}: ${pressed.body.error}`);
}

const dataOf = (button: { data?: string } | object) => ('data' in button ? String(button.data) : '');

/** What the people of the demo do before the picture is taken. */
async function play(app: PulseApp, api: Api): Promise<void> {
  // The admin pushes the demo's safety directive; six people of the team tap "Đã nắm".
  await say(api, 'ha', 'dm:ha', '/push AT-CA3');
  await app.scheduler.runAll();
  const directive = await lastBotMessage(api, 'an', TEAM, 'Tăng cường an toàn');
  const ack = dataOf(directive.buttons![0]![0]!);
  for (const persona of ['hung', 'mai', 'khoa', 'long', 'nga', 'phuc']) {
    await press(api, persona, TEAM, directive.id, ack);
  }
  // The count on the message is rewritten at most every ACK_EDIT_THROTTLE_MS: let that pass.
  await new Promise((done) => setTimeout(done, ACK_EDIT_THROTTLE_MS + 500));
  await app.scheduler.runAll();

  // The admin asks the mining cell a pulse question; seven workers answer; the admin closes it.
  await say(api, 'ha', 'dm:ha', '/pulse Ca làm việc tuần này của bạn thế nào? --units CB-KT');
  const poll = await lastBotMessage(api, 'hung', TEAM, 'Ca làm việc tuần này');
  for (const [persona, choice] of ANSWERS) {
    await press(api, persona, TEAM, poll.id, dataOf(poll.buttons![0]![choice - 1]!));
  }
  await app.scheduler.runAll();
  await say(api, 'ha', 'dm:ha', '/close 1');
  await app.scheduler.runAll();

  // Talk in the cell's group raises a hot spot: the cell's leader gets the alert in their DM.
  for (const [persona, text] of [
    ['hung', 'Tháng này công ty nợ lương 2 tháng rồi ae ơi'],
    ['mai', 'cty no luong that, ca 3 ai cũng than'],
    ['hung', 'lương chậm quá, tết này sao đây 😟'],
    ['mai', 'Tiền tăng ca quý trước vẫn nợ chưa trả'],
    ['hung', 'Nợ lương thế này ai mà yên tâm đi lò'],
  ] as const) {
    await say(api, persona, 'grp:grp-cb-kt', text);
  }
  await app.scheduler.runAll();
  await lastBotMessage(api, 'an', 'dm:an', 'Điểm nóng');
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-color-emoji`);
  const database = await createTestDatabase();
  await seedDemo(database);
  const app = await startSandboxApp(database);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-component-update'],
  });
  try {
    const api = client(app);
    await play(app, api);

    // Two windows side by side: the cell's group (directive, poll results) and the leader's DM (alert).
    const context = await browser.newContext({
      viewport: { width: 900, height: 1100 },
      deviceScaleFactor: 1,
    });
    const shots: Buffer[] = [];
    for (const chat of [TEAM, 'dm:an']) {
      const page = await context.newPage();
      await page.goto(`${api.base}/sandbox/?persona=an&chat=${encodeURIComponent(chat)}`);
      await page.locator('body[data-live="true"] #messages .msg').first().waitFor();
      await page.evaluate(() => {
        const list = document.getElementById('messages')!;
        list.scrollTop = list.scrollHeight;
      });
      shots.push(await page.screenshot());
      await page.close();
    }
    const board = await context.newPage();
    await board.setViewportSize({ width: 1800, height: 1100 });
    await board.setContent(
      `<body style="margin:0;display:flex;background:#dde2ea;gap:0">${shots
        .map(
          (png) =>
            `<img style="width:900px;height:1100px;display:block;border-right:2px solid #dde2ea" src="data:image/png;base64,${png.toString('base64')}">`,
        )
        .join('')}</body>`,
    );
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, await board.screenshot());
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
    await app.stop();
    await database.destroy();
  }
}

await main();
