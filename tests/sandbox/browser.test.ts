import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { formatDateTime } from '../../bot/kernel/time';
import { translate } from '../../bot/messages';
import type { SandboxPlatform } from '../../bot/sandbox';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, startSandboxApp } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
/** What the first test ends on, for a look after a run; the README's picture is `npm run screenshot`. */
const SCREENSHOT = fileURLToPath(new URL('../.artifacts/sandbox.png', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!hasChromium && !inCi) {
  console.warn(`SKIPPED sandbox browser test: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

let database: TestDatabase;
let app: PulseApp;
let browser: Browser;

describe.skipIf(!hasChromium && !inCi)('sandbox page in a real browser', () => {
  beforeAll(async () => {
    if (!hasChromium)
      throw new Error(`${CHROMIUM} is missing: CI must install chromium (apt-get install -y chromium)`);
    database = await createTestDatabase();
    app = await startSandboxApp(database); // an empty database: Pulse applies scenarios/demo.yaml
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.destroy();
  });

  const message = (page: Page, text: string) => page.locator('#messages .msg-text', { hasText: text });
  async function type(page: Page, text: string) {
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
  }

  it('lets an admin and a worker talk to Pulse and to each other, live, with text shown as text', async () => {
    const api = client(app);
    const { personas } = (await api.personas()).body;
    const admin = personas.find((p) => p.roles.some((r) => r.role === 'admin'))!;
    const worker = personas.find((p) => p.roles.some((r) => r.role === 'worker'))!;
    const group = (await api.chats(worker.key)).body.chats.find((c) => c.kind === 'group')!;
    expect(admin && worker && group).toBeTruthy();

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const dialogs: string[] = [];
    context.on('page', (page) => page.on('dialog', (dialog) => dialogs.push(dialog.message())));
    const errors: string[] = [];
    context.on('page', (page) => page.on('pageerror', (error) => errors.push(error.message)));

    // The admin picks themself on the welcome screen and asks for help in their DM.
    const adminPage = await context.newPage();
    await adminPage.goto(`${api.base}/`);
    await adminPage.locator(`.card[data-persona="${admin.key}"]`).click();
    await adminPage.locator(`.chat-item[data-chat="dm:${admin.key}"]`).click();
    await type(adminPage, '/help');
    await message(adminPage, '/whoami').waitFor();
    await expect(adminPage.locator('.msg.from-bot').count()).resolves.toBe(1);

    // English switch, and back.
    await adminPage.locator('#lang').click();
    await expect(adminPage.locator('#composer button').textContent()).resolves.toBe('Send');
    await adminPage.locator('#lang').click();

    // A worker opens the group in a second tab; once loaded, history fetches are blocked so
    // the next message can only arrive over the live event stream.
    const workerPage = await context.newPage();
    await workerPage.goto(`${api.base}/sandbox/?persona=${worker.key}&chat=${encodeURIComponent(group.key)}`);
    await workerPage.locator('body[data-live="true"] #messages .empty').waitFor();
    await workerPage.route('**/sandbox/api/messages*', (route) => route.abort());

    await adminPage.locator(`.chat-item[data-chat="${group.key}"]`).click();
    await adminPage.locator('body[data-live="true"] #messages .empty').waitFor();
    await type(adminPage, 'Chào cả nhóm! Tuần này ai có ý kiến về ca làm việc thì nhắn ở đây nhé.');
    await message(workerPage, 'Chào cả nhóm!').waitFor();
    await expect(workerPage.locator('.msg.from-other .msg-sender').first().textContent()).resolves.toBe(
      admin.name,
    );

    // What the worker types is shown as text on the admin's page, never run.
    const script = '<script>alert(1)</script>';
    await type(workerPage, 'Dạ, ca 3 tuần này có họp tổ không ạ?');
    await type(workerPage, script);
    await message(adminPage, script).waitFor();
    await expect(message(adminPage, script).textContent()).resolves.toBe(script);
    await expect(adminPage.locator('#messages script').count()).resolves.toBe(0);

    await type(adminPage, '/whoami');
    await message(adminPage, translate('vi', 'whoami.title', { name: admin.name })).waitFor();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await adminPage.screenshot({ path: SCREENSHOT });
    await context.close();
  }, 60_000);

  /** Whether two boxes overlap (a toast over the message box). */
  const overlaps = (
    a: { x: number; y: number; width: number; height: number },
    b: { x: number; y: number; width: number; height: number },
  ) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it("renders the bot's bold and links as elements, people's markup as text, one date form", async () => {
    const api = client(app);
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${api.base}/sandbox/?persona=hung&chat=${encodeURIComponent('grp:grp-cb-kt')}`);
    await page.locator('body[data-live="true"]').waitFor();

    // The demo's directive carries **khí mỏ** and a [link](https://example.com/an-toan).
    await api.send({ persona: 'ha', chat: 'dm:ha', text: '/push AT-CA3' });
    await app.scheduler.runAll();
    const directive = page.locator('#messages .msg.from-bot', { hasText: 'Tăng cường an toàn' });
    await directive.waitFor();
    await expect(directive.locator('strong', { hasText: 'khí mỏ' }).count()).resolves.toBe(1);
    const link = directive.locator('a', { hasText: 'an toàn mỏ (demo)' });
    await expect(link.getAttribute('href')).resolves.toBe('https://example.com/an-toan');
    await expect(link.getAttribute('rel')).resolves.toContain('noopener');
    await expect(directive.locator('.msg-text').textContent()).resolves.not.toContain('**');
    await expect(directive.locator('.msg-text').textContent()).resolves.toContain('• Kiểm tra khí mỏ');

    // What a person types is never markup: stars, links and tags stay as typed.
    const typed = '**đậm** [bấm](https://example.com) <b>x</b> <img src=x onerror=alert(1)>';
    await type(page, typed);
    const mine = page.locator('#messages .msg.from-me .msg-text', { hasText: 'đậm' });
    await mine.waitFor();
    await expect(mine.textContent()).resolves.toBe(typed);
    await expect(page.locator('#messages .from-me :is(strong, a, b, img)').count()).resolves.toBe(0);

    // Every time on the page: "02:03 02/12/2026" (the bot's one form), in the bot's time zone, in both languages.
    const sent = (await api.messages('hung', 'grp:grp-cb-kt')).body.messages.at(-1)!;
    const expected = formatDateTime(new Date(sent.createdAt), app.deps.config.timezone);
    await expect(page.locator('#messages .msg.from-me .msg-meta').last().textContent()).resolves.toBe(
      expected,
    );
    await page.locator('#lang').click();
    await expect(page.locator('#messages .msg.from-me .msg-meta').last().textContent()).resolves.toBe(
      expected,
    );
    for (const meta of await page.locator('#messages .msg-meta').allTextContents()) {
      expect(meta).toMatch(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}( · |$)/);
    }
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  for (const viewport of [
    { width: 1200, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`shows a toast once, away from the message box, and lets even a red one go by itself (${viewport.width}px)`, async () => {
      const api = client(app);
      const hub = (app.platforms.find((p) => 'hub' in p) as SandboxPlatform).hub;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${api.base}/sandbox/?persona=hung&chat=dm:hung`);
      await page.locator('body[data-live="true"]').waitFor();

      const toasts = page.locator('#toasts .toast');
      hub.toast('hung', { text: 'Bạn đã trả lời khảo sát này rồi.', alert: false });
      hub.toast('hung', { text: 'Bạn đã trả lời khảo sát này rồi.', alert: false });
      hub.toast('hung', { text: 'Nút này đã hết hạn.', alert: true });
      hub.toast('hung', { text: 'Nút này đã hết hạn.', alert: true });
      await page.locator('#toasts .toast.alert').waitFor();
      await expect(toasts.count()).resolves.toBe(2);

      const composer = (await page.locator('#composer').boundingBox())!;
      for (const box of await toasts.all())
        expect(overlaps((await box.boundingBox())!, composer)).toBe(false);
      await page.locator('#text').click(); // not covered: the input takes the click

      await page.clock.fastForward(5000);
      await expect(toasts.count()).resolves.toBe(1);
      await page.clock.fastForward(5000);
      await expect(toasts.count()).resolves.toBe(0);
      await context.close();
    }, 60_000);
  }

  it('on a phone (390px) every chat is reachable: the strip keeps the private chat in view', async () => {
    const api = client(app);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    // Hà (admin) sees every group of the demo: the most crowded strip.
    await page.goto(`${api.base}/sandbox/?persona=ha`);
    const chats = (await api.chats('ha')).body.chats;
    expect(chats.length).toBeGreaterThan(4);
    await page.locator('#chats .chat-item').first().waitFor();

    const dm = page.locator('.chat-item[data-chat="dm:ha"]');
    const box = (await dm.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844 / 2);
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('.chat-item')?.getAttribute('data-chat'),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe('dm:ha');
    for (const item of await page.locator('#chats .chat-item').all()) {
      const b = (await item.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(390);
    }

    await dm.click();
    await expect(page.locator('#chat-title').textContent()).resolves.toBe('Pulse — nhắn riêng');
    const group = page.locator('.chat-item[data-chat="grp:grp-cb-kt"]');
    await group.click();
    await expect(page.locator('#chat-title').textContent()).resolves.toBe('Chi bộ Khai thác — nhóm chung');
    // The conversation keeps most of the screen.
    const messages = (await page.locator('#messages').boundingBox())!;
    expect(messages.height).toBeGreaterThan(844 * 0.4);
    const composer = (await page.locator('#composer').boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(844);
    await context.close();
  }, 60_000);
});
