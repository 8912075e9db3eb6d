import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import type { ChatRef } from '../../bot/kernel/types';
import { translate } from '../../bot/messages';
import { chats } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { client, openEvents, seedOrganisation, startSandboxApp } from './helpers';

let database: TestDatabase;
let app: PulseApp | undefined;
const streams: { close(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrganisation(database);
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await app?.stop();
  app = undefined;
});

async function start() {
  app = await startSandboxApp(database);
  return client(app);
}

async function listen(api: { base: string }, persona: string) {
  const stream = await openEvents(api.base, persona);
  streams.push(stream);
  return stream;
}

const group = (id: string): ChatRef => ({ platform: 'sandbox', externalId: id, kind: 'group' });
const texts = (messages: { text: string }[]) => messages.map((m) => m.text);

/** A GET with headers fetch will not send (Host), as a DNS-rebinding page would. */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('sandbox API', () => {
  it('lists the personas with their roles and units', async () => {
    const api = await start();
    const { status, body } = await api.personas();
    expect(status).toBe(200);
    expect(body.personas).toEqual([
      {
        key: 'admin',
        name: 'Quản Trị Viên',
        roles: [{ role: 'admin', unit: { code: 'CTY', name: 'Công ty Thử nghiệm' } }],
      },
      {
        key: 'leader',
        name: 'Bí Thư Một',
        roles: [{ role: 'leader', unit: { code: 'CB1', name: 'Chi bộ Một' } }],
      },
      {
        key: 'worker',
        name: 'Công Nhân Một',
        roles: [{ role: 'worker', unit: { code: 'T1', name: 'Tổ Một' } }],
      },
      {
        key: 'other',
        name: 'Công Nhân Hai',
        roles: [{ role: 'worker', unit: { code: 'CB2', name: 'Chi bộ Hai' } }],
      },
    ]);
  });

  it('shows each persona the groups of units within or above theirs in tree order, then their DM', async () => {
    const api = await start();
    const keys = async (persona: string) => (await api.chats(persona)).body.chats.map((c) => c.key);
    expect(await keys('admin')).toEqual(['grp:grp-cb1', 'grp:grp-t1', 'grp:grp-cb2', 'dm:admin']);
    expect(await keys('leader')).toEqual(['grp:grp-cb1', 'grp:grp-t1', 'dm:leader']);
    expect(await keys('worker')).toEqual(['grp:grp-cb1', 'grp:grp-t1', 'dm:worker']);
    expect(await keys('other')).toEqual(['grp:grp-cb2', 'dm:other']);
  });

  it('answers /help from the admin in their DM, and keeps both messages', async () => {
    const api = await start();
    const sent = await api.send({ persona: 'admin', chat: 'dm:admin', text: '/help' });
    expect(sent.status).toBe(200);
    const { body } = await api.messages('admin', 'dm:admin');
    expect(body.messages.map((m) => m.sender)).toEqual(['admin', 'bot']);
    expect(body.messages[1]?.text).toContain('/link');
    expect(body.messages[1]?.text).toContain('/role');
  });

  it('treats plain text as a message and the rest as commands', async () => {
    const api = await start();
    const sent = await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: 'Chào cả tổ' });
    expect(sent.body.message).toMatchObject({ chat: 'grp:grp-t1', sender: 'worker', text: 'Chào cả tổ' });
    expect(texts((await api.messages('leader', 'grp:grp-t1')).body.messages)).toEqual(['Chào cả tổ']);

    await api.send({ persona: 'worker', chat: 'dm:worker', text: '/whoami' });
    const dm = await api.messages('worker', 'dm:worker');
    expect(dm.body.messages.at(-1)).toMatchObject({
      sender: 'bot',
      text: expect.stringContaining('Tổ Một (T1)'),
    });
  });

  it('delivers a new message live to another persona in the chat, and not to outsiders', async () => {
    const api = await start();
    const leader = await listen(api, 'leader');
    const other = await listen(api, 'other');
    await api.send({ persona: 'worker', chat: 'grp:grp-cb1', text: 'Ca 3 có họp không ạ?' });
    await api.send({ persona: 'other', chat: 'grp:grp-cb2', text: 'Nhóm hai đây' });
    expect(await leader.message()).toMatchObject({
      chat: 'grp:grp-cb1',
      sender: 'worker',
      text: 'Ca 3 có họp không ạ?',
    });
    await other.message((m) => m.text === 'Nhóm hai đây');
    expect(other.messages().map((m) => m.chat)).toEqual(['grp:grp-cb2']);
    expect(leader.messages().map((m) => m.chat)).toEqual(['grp:grp-cb1']);
  });

  it('routes a button press to the handlers and toasts the answer to the presser only', async () => {
    const api = await start();
    const sent = await app!.deps.messenger.send(group('grp-t1'), {
      text: 'Ý kiến của bạn?',
      buttons: [[{ label: 'Đồng ý', data: 'nosuch:1' }]],
    });
    const worker = await listen(api, 'worker');
    const leader = await listen(api, 'leader');
    const target = { persona: 'worker', chat: 'grp:grp-t1', messageId: Number(sent.messageId) };

    const pressed = await api.press({ ...target, data: 'nosuch:1' });
    expect(pressed.status).toBe(200);
    // No handler owns the prefix "nosuch": the dispatcher answers that the button is stale.
    expect(await worker.toast()).toEqual({ text: translate('vi', 'error.staleButton'), alert: true });

    await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: 'xong' });
    await leader.message((m) => m.text === 'xong');
    expect(leader.toasts()).toEqual([]);

    const forged = await api.press({ ...target, data: 'other:2' });
    expect(forged).toMatchObject({ status: 400, body: { error: 'message 1 has no button "other:2"' } });
  });

  it('links a new group with /link, and its button opens the DM with /start <token>', async () => {
    await database.db
      .insert(chats)
      .values({ platform: 'sandbox', externalId: 'grp-new', title: 'Nhóm mới', inviteToken: 'tok-new' });
    const api = await start();
    expect((await api.chats('worker')).body.chats.map((c) => c.key)).not.toContain('grp:grp-new');

    await api.send({ persona: 'admin', chat: 'grp:grp-new', text: '/link T1' });
    const reply = (await api.messages('worker', 'grp:grp-new')).body.messages.at(-1)!;
    expect(reply.text).toContain('Tổ Một');
    expect(reply.buttons).toEqual([[{ label: translate('vi', 'link.openDm'), startPayload: 'tok-new' }]]);

    const opened = await api.press({
      persona: 'worker',
      chat: 'grp:grp-new',
      messageId: reply.id,
      startPayload: 'tok-new',
    });
    expect(opened.body).toEqual({ ok: true, chat: 'dm:worker' });
    expect(texts((await api.messages('worker', 'dm:worker')).body.messages)).toEqual([
      '/start tok-new',
      expect.stringContaining(translate('vi', 'start.unitKnown', { unit: 'Tổ Một (T1)' })),
    ]);
  });

  it('leaves "/help@OtherBot" in a group to the other bot, and answers "/help@PulseBot"', async () => {
    const api = await start();
    const sent = await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: '/help@OtherBot' });
    expect(sent.status).toBe(200);
    await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: '/whoami@otherbot' });
    let history = (await api.messages('worker', 'grp:grp-t1')).body.messages;
    expect(history.map((m) => [m.sender, m.text])).toEqual([
      ['worker', '/help@OtherBot'],
      ['worker', '/whoami@otherbot'],
    ]);
    expect((await api.messages('worker', 'dm:worker')).body.messages).toEqual([]);

    await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: '/help@pulsebot' });
    history = (await api.messages('worker', 'grp:grp-t1')).body.messages;
    const dm = (await api.messages('worker', 'dm:worker')).body.messages;
    expect([...history, ...dm].filter((m) => m.sender === 'bot').length).toBeGreaterThan(0);
  });

  it("carries the bot's markup as parsed spans next to the plain text; people's text never", async () => {
    const api = await start();
    const worker = await listen(api, 'worker');
    const markup = '📢 **Họp tổ** lúc 8h\n- Xem [quy trình](https://example.com/qt) <b>mới</b>';
    const sent = await app!.deps.messenger.send(group('grp-cb1'), { text: markup, format: 'markup' });
    const [stored] = (await api.messages('worker', 'grp:grp-cb1')).body.messages;
    expect(stored!.text).toBe('📢 Họp tổ lúc 8h\n• Xem quy trình (https://example.com/qt) <b>mới</b>');
    expect(stored!.markup).toEqual([
      {
        bullet: false,
        spans: [
          { kind: 'text', text: '📢 ' },
          { kind: 'bold', text: 'Họp tổ' },
          { kind: 'text', text: ' lúc 8h' },
        ],
      },
      {
        bullet: true,
        spans: [
          { kind: 'text', text: 'Xem ' },
          { kind: 'link', text: 'quy trình', url: 'https://example.com/qt' },
          { kind: 'text', text: ' <b>mới</b>' },
        ],
      },
    ]);
    expect((await worker.message((m) => m.id === stored!.id)).markup).toEqual(stored!.markup);

    // An edit keeps the markup; a plain edit drops it; an ephemeral message keeps it too.
    await app!.deps.messenger.edit(sent, { text: '**Đã nắm**: 1 người', format: 'markup' });
    let [edited] = (await api.messages('worker', 'grp:grp-cb1')).body.messages;
    expect(edited!.markup?.[0]?.spans[0]).toEqual({ kind: 'bold', text: 'Đã nắm' });
    await app!.deps.messenger.edit(sent, { text: '**không đậm**' });
    [edited] = (await api.messages('worker', 'grp:grp-cb1')).body.messages;
    expect(edited).toMatchObject({ text: '**không đậm**', markup: null });
    const leader = { platform: 'sandbox' as const, externalId: 'leader', displayName: 'Bí Thư Một' };
    await app!.deps.messenger.sendPrivately(group('grp-cb1'), leader, {
      text: '**Riêng**',
      format: 'markup',
    });
    const own = (await api.messages('leader', 'grp:grp-cb1')).body.messages.at(-1)!;
    expect(own).toMatchObject({
      text: 'Riêng',
      markup: [{ bullet: false, spans: [{ kind: 'bold', text: 'Riêng' }] }],
    });

    // Markup longer than a message goes as plain chunks; what people type is never markup.
    await app!.deps.messenger.send(group('grp-cb2'), { text: `**${'a'.repeat(5000)}**`, format: 'markup' });
    const long = (await api.messages('admin', 'grp:grp-cb2')).body.messages;
    expect(long.length).toBe(2);
    expect(long.every((m) => m.markup === null && !m.text.includes('**'))).toBe(true);
    const typed = await api.send({ persona: 'worker', chat: 'grp:grp-t1', text: '**x** [y](https://e.com)' });
    expect(typed.body.message).toMatchObject({ text: '**x** [y](https://e.com)', markup: null });
  });

  it('implements edits and ephemeral messages of the Messenger port', async () => {
    const api = await start();
    const worker = await listen(api, 'worker');
    const sent = await app!.deps.messenger.send(group('grp-cb1'), { text: 'Phiên bản 1' });
    await app!.deps.messenger.edit(sent, { text: 'Phiên bản 2' });
    const edited = await worker.message((m) => m.text === 'Phiên bản 2');
    expect(edited).toMatchObject({ id: Number(sent.messageId), editedAt: expect.any(String) });

    const leader = { platform: 'sandbox' as const, externalId: 'leader', displayName: 'Bí Thư Một' };
    await app!.deps.messenger.sendPrivately(group('grp-cb1'), leader, { text: 'Chỉ bí thư thấy' });
    expect(texts((await api.messages('leader', 'grp:grp-cb1')).body.messages)).toEqual([
      'Phiên bản 2',
      'Chỉ bí thư thấy',
    ]);
    expect(texts((await api.messages('worker', 'grp:grp-cb1')).body.messages)).toEqual(['Phiên bản 2']);
    expect(texts(worker.messages())).toEqual(['Phiên bản 1', 'Phiên bản 2']);
  });

  it('keeps the conversation across a restart', async () => {
    let api = await start();
    await api.send({ persona: 'admin', chat: 'dm:admin', text: '/help' });
    await app!.stop();
    api = await start();
    const { body } = await api.messages('admin', 'dm:admin');
    expect(body.messages.map((m) => m.sender)).toEqual(['admin', 'bot']);
  });

  it('refuses chats the persona cannot see, unknown personas and chats, and bad input', async () => {
    const api = await start();
    expect(await api.send({ persona: 'worker', chat: 'grp:grp-cb2', text: 'x' })).toMatchObject({
      status: 403,
      body: { error: 'Công Nhân Một (worker) is not in chat "grp:grp-cb2"' },
    });
    expect((await api.send({ persona: 'worker', chat: 'dm:admin', text: 'x' })).status).toBe(403);
    expect((await api.messages('worker', 'dm:admin')).status).toBe(403);
    expect(await api.send({ persona: 'nobody', chat: 'dm:nobody', text: 'x' })).toMatchObject({
      status: 404,
      body: { error: 'unknown persona "nobody"' },
    });
    expect(await api.send({ persona: 'worker', chat: 'grp:nope', text: 'x' })).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining('unknown chat "grp:nope"') },
    });
    expect(await api.send({ persona: 'worker', chat: 'dm:worker', text: '   ' })).toMatchObject({
      status: 400,
      body: { error: 'text: must not be empty' },
    });
    expect(await api.send({ chat: 'dm:worker', text: 'x' })).toMatchObject({
      status: 400,
      body: { error: 'persona: is required' },
    });

    const notJson = await fetch(`${api.base}/sandbox/api/send`, { method: 'POST', body: 'persona=worker' });
    expect(notJson.status).toBe(415);
    const crossSite = await fetch(`${api.base}/sandbox/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ persona: 'admin', chat: 'dm:admin', text: '/help' }),
    });
    expect(crossSite.status).toBe(403);
    const rebound = await statusOf(`${api.base}/sandbox/api/personas`, { host: `evil.example:${app!.port}` });
    expect(rebound).toBe(403);
    expect((await api.messages('admin', 'dm:admin')).body.messages).toEqual([]);
  });

  it('stores and returns a script verbatim; the page renders text only, under a strict CSP', async () => {
    const api = await start();
    const text = '<script>alert(1)</script>';
    await api.send({ persona: 'worker', chat: 'grp:grp-t1', text });
    expect(texts((await api.messages('leader', 'grp:grp-t1')).body.messages)).toEqual([text]);

    const page = await fetch(`${api.base}/sandbox/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).not.toMatch(/<script>|\son[a-z]+=/i);
    const script = readFileSync(new URL('../../bot/sandbox/web/app.js', import.meta.url), 'utf8');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const root = await fetch(`${api.base}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/sandbox/');
  });
});

describe('sandbox start-up', () => {
  it('gives an empty database the demo company', async () => {
    await database.reset();
    const api = await start();
    const { body } = await api.personas();
    const roles = body.personas.flatMap((p) => p.roles.map((r) => r.role));
    expect(roles).toEqual(expect.arrayContaining(['admin', 'leader', 'worker']));
  });
});
