import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { translate } from '../../bot/messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, startSandboxApp } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
/** The README's picture is refreshed on request (UPDATE_SCREENSHOT=1); otherwise it goes to tests/.artifacts. */
const SCREENSHOT = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOT ? '../../docs/sandbox.png' : '../.artifacts/sandbox.png',
    import.meta.url,
  ),
);
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
});
