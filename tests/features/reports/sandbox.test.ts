import { existsSync, mkdirSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { renderChartPng } from '../../../bot/features/reports/chart/png';
import { deliverReport } from '../../../bot/features/reports/deliver';
import type { ChatRef } from '../../../bot/kernel/types';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { client, openEvents, seedOrganisation, startSandboxApp } from '../../sandbox/helpers';
import { fixtureReport } from './fixture';

let database: TestDatabase;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrganisation(database);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

const cellGroup: ChatRef = { platform: 'sandbox', externalId: 'grp-cb1', kind: 'group' };

async function start() {
  app = await startSandboxApp(database);
  return { api: client(app), running: app };
}

async function download(base: string, id: number, persona: string) {
  const res = await fetch(`${base}/sandbox/api/files/${id}?persona=${persona}`);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('reports in the sandbox', () => {
  it('stores a file the bot sends and serves exactly those bytes as a download', async () => {
    const { api, running } = await start();
    const data = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    await running.deps.messenger.for('sandbox').sendFile!(cellGroup, {
      name: 'Báo cáo quý I.csv',
      mime: 'text/csv; charset=utf-8',
      data,
      caption: 'Số liệu quý I',
    });
    const { body } = await api.messages('leader', 'grp:grp-cb1');
    const message = body.messages.at(-1)!;
    expect(message.sender).toBe('bot');
    expect(message.text).toBe('Số liệu quý I');
    expect(message.file).toEqual({
      id: expect.any(Number),
      name: 'Báo cáo quý I.csv',
      mime: 'text/csv; charset=utf-8',
      size: 70_000,
      image: false,
    });
    const { res, bytes } = await download(api.base, message.file!.id, 'leader');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Bao cao quy I.csv"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%20I.csv`,
    );
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(bytes).equals(Buffer.from(data))).toBe(true);
  });

  it('delivers the report through the sandbox: the text, the chart inline, and a Word file that opens', async () => {
    const { api, running } = await start();
    const leader = await openEvents(api.base, 'leader');
    await deliverReport(running.deps, cellGroup, fixtureReport(), 'chat');
    await deliverReport(running.deps, cellGroup, fixtureReport(), 'docx');
    const chart = await leader.message((m) => m.file?.image === true);
    expect(chart.file?.name).toBe('bao-cao-dlxh-CTY-2024-01-01.png');
    leader.close();

    const { body } = await api.messages('leader', 'grp:grp-cb1');
    const [text, image, word] = body.messages;
    expect(text!.text).toMatch(/^📊 BÁO CÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI/);
    expect(text!.file).toBeNull();
    expect(image!.file).toMatchObject({ mime: 'image/png', image: true });

    const png = await download(api.base, image!.file!.id, 'leader');
    expect(png.res.headers.get('content-type')).toBe('image/png');
    expect(png.res.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(Buffer.from(png.bytes).equals(Buffer.from(renderChartPng(fixtureReport(), 'vi')))).toBe(true);

    expect(word!.file).toMatchObject({ name: 'bao-cao-dlxh-CTY-2024-01-01.docx', image: false });
    const docx = await download(api.base, word!.file!.id, 'leader');
    expect(docx.res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(docx.bytes.length).toBe(word!.file!.size);
    const xml = strFromU8(unzipSync(docx.bytes)['word/document.xml']!);
    expect(xml).toContain('Tình hình dư luận xã hội quý I/2024');
  });

  it('serves a file only to personas who can see its chat', async () => {
    const { api, running } = await start();
    await running.deps.messenger.for('sandbox').sendFile!(cellGroup, {
      name: 'a.md',
      mime: 'text/markdown',
      data: new TextEncoder().encode('# A'),
    });
    const { body } = await api.messages('leader', 'grp:grp-cb1');
    const id = body.messages.at(-1)!.file!.id;
    expect((await download(api.base, id, 'other')).res.status).toBe(403);
    expect((await download(api.base, id + 1000, 'leader')).res.status).toBe(404);
    expect((await fetch(`${api.base}/sandbox/api/files/${id}`)).status).toBe(400);
    expect((await fetch(`${api.base}/sandbox/api/files/x1?persona=leader`)).status).toBe(404);
  });
});

describe.skipIf(!hasChromium && !inCi)('a report on the sandbox page', () => {
  it('shows the chart inline under the page’s CSP and the Word file as a download link', async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium`);
    const { api, running } = await start();
    await deliverReport(running.deps, cellGroup, fixtureReport(), 'chat');
    await deliverReport(running.deps, cellGroup, fixtureReport(), 'docx');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${api.base}/sandbox/?persona=leader&chat=${encodeURIComponent('grp:grp-cb1')}`);

      const image = page.locator('#messages .msg-image img');
      await image.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('#messages .msg-image img');
        return img?.complete && img.naturalWidth > 0;
      });
      await expect(image.evaluate((img: HTMLImageElement) => img.naturalWidth)).resolves.toBe(1080);
      await expect(image.getAttribute('alt')).resolves.toBe('bao-cao-dlxh-CTY-2024-01-01.png');

      const file = page.locator('#messages a.msg-file');
      await expect(file.getAttribute('download')).resolves.toBe('bao-cao-dlxh-CTY-2024-01-01.docx');
      await expect(file.locator('.name').textContent()).resolves.toBe('bao-cao-dlxh-CTY-2024-01-01.docx');
      const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
      expect(download.suggestedFilename()).toBe('bao-cao-dlxh-CTY-2024-01-01.docx');
      expect(violations).toEqual([]);

      mkdirSync('tests/.artifacts', { recursive: true });
      await page.locator('#messages .msg-image').scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'tests/.artifacts/sandbox-report.png' });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
