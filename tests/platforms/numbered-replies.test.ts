import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPulseEventHandler } from '../../bot/features';
import type { ChatRef, InboundEvent, UserRef } from '../../bot/kernel/types';
import { numberedPromptsJob } from '../../bot/runtime/numbered-replies';
import type { ButtonHandler } from '../../bot/runtime/types';
import { numberedPrompts } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createHarness, type Harness } from '../helpers/harness';
import { RecordingMessenger } from '../helpers/recording-messenger';

const ZALO_CAPABILITIES = {
  buttons: false,
  groups: false,
  edit: false,
  ephemeral: false,
  maxTextLength: 2000,
};

let database: TestDatabase;
let harness: Harness;
let zalo: RecordingMessenger;
let presses: { data: string; person: number }[];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  zalo = new RecordingMessenger('zalo', ZALO_CAPABILITIES);
  harness = createHarness(database, {}, [zalo]);
  presses = [];
});

const lan: UserRef = { platform: 'zalo', externalId: 'z-lan', displayName: 'Lan' };
const lanDm: ChatRef = { platform: 'zalo', externalId: 'z-lan', kind: 'dm' };
let updates = 0;
const say = (text: string): InboundEvent => ({
  kind: 'message',
  chat: lanDm,
  from: lan,
  text,
  updateId: `n${++updates}`,
});

/** A feature's button handler, as polls and directives have: it records presses and answers. */
const testButtons: ButtonHandler = {
  prefix: 'tst',
  async handle(ctx, payload) {
    presses.push({ data: payload, person: ctx.actor.person.id });
    await ctx.answer(`Đã ghi nhận ${payload}`);
  },
};

function handler() {
  return createPulseEventHandler(harness.deps, { buttons: [testButtons] });
}

async function ask(text: string, labels: string[]) {
  return harness.deps.messenger.sendDm(lan, {
    text,
    buttons: [labels.map((label, i) => ({ label, data: `tst:${text}:${i + 1}` }))],
  });
}

describe('numbered replies on a platform without buttons', () => {
  it('renders buttons as numbered choices in the recipient’s language and reads "2" as the second button', async () => {
    await handler()(say('xin chào'));
    await ask('Bạn thấy bữa ăn ca thế nào?', ['Tốt', 'Bình thường', 'Chưa tốt']);
    expect(zalo.last()?.message.text).toBe(
      'Bạn thấy bữa ăn ca thế nào?\n\n1. Tốt\n2. Bình thường\n3. Chưa tốt\nTrả lời bằng một số từ 1 đến 3, hoặc gõ đúng nội dung lựa chọn.',
    );
    expect(zalo.last()?.message.buttons).toBeUndefined();

    await handler()(say('2'));
    expect(presses.map((p) => p.data)).toEqual(['Bạn thấy bữa ăn ca thế nào?:2']);
    // A press made by a numbered reply is answered in the same chat: its pressId is the chat id.
    expect(zalo.answers).toEqual([
      { pressId: 'z-lan', text: 'Đã ghi nhận Bạn thấy bữa ăn ca thế nào?:2', alert: false },
    ]);
  });

  it('matches a typed label without caring about case, diacritics or punctuation', async () => {
    await ask('Chỉ thị số 5', ['✅ Đã nắm']);
    await handler()(say('ĐÃ NẮM'));
    await handler()(say('da nam!'));
    expect(presses.map((p) => p.data)).toEqual(['Chỉ thị số 5:1', 'Chỉ thị số 5:1']);
  });

  it('answers a label of an older prompt, and a number always picks from the latest', async () => {
    await ask('Chỉ thị', ['Đã nắm']);
    await ask('Khảo sát', ['Có', 'Không']);
    await handler()(say('đã nắm'));
    await handler()(say('1'));
    expect(presses.map((p) => p.data)).toEqual(['Chỉ thị:1', 'Khảo sát:1']);
  });

  it('asks again for a number out of range and lets other text through as a message', async () => {
    const heard: string[] = [];
    harness.deps.signals.subscribe(async (s) => void heard.push(s.text));
    await ask('Khảo sát', ['Có', 'Không']);
    await handler()(say('7'));
    expect(zalo.last()?.message.text).toBe('Chưa rõ lựa chọn của bạn: hãy trả lời bằng một số từ 1 đến 2.');
    const before = zalo.sent.length;
    await handler()(say('Cảm ơn Pulse'));
    expect(presses).toEqual([]);
    // A plain message, not a choice: it gets the menu of what the person can do.
    expect(zalo.sent.length).toBe(before + 1);
    expect(zalo.last()?.message.text).toContain('Pulse không đọc tin nhắn thường');
  });

  it('survives a restart: the prompt lives in the database, not in the process', async () => {
    await ask('Khảo sát', ['Có', 'Không']);
    const restarted = handler();
    await restarted(say('2'));
    expect(presses.map((p) => p.data)).toEqual(['Khảo sát:2']);
  });

  it('does not read numbers on platforms with buttons, nor in chats without a prompt', async () => {
    await handler()(say('1'));
    const telegramDm: ChatRef = { platform: 'telegram', externalId: '7', kind: 'dm' };
    await harness.deps.messenger.send(telegramDm, {
      text: 'Khảo sát',
      buttons: [[{ label: 'Có', data: 'tst:x:1' }]],
    });
    await handler()({
      kind: 'message',
      chat: telegramDm,
      from: { platform: 'telegram', externalId: '7', displayName: 'Bảy' },
      text: '1',
    });
    expect(presses).toEqual([]);
    // "1" was a plain message there: the menu answered it, no button was pressed.
    expect(harness.messenger.last()?.message.text).toContain('Pulse không đọc tin nhắn thường');
  });

  it('keeps a few prompts per chat and prunes old ones daily', async () => {
    for (let i = 1; i <= 7; i++) await ask(`Câu ${i}`, ['Có']);
    expect(await database.db.select().from(numberedPrompts)).toHaveLength(5);
    harness.clock.advance(31 * 24 * 60 * 60 * 1000);
    await handler()(say('có'));
    expect(presses).toEqual([]);
    await numberedPromptsJob(database.db).run(harness.clock.now());
    expect(await database.db.select().from(numberedPrompts)).toHaveLength(0);
  });

  it('drops edits on a platform that cannot edit', async () => {
    const ref = await ask('Khảo sát', ['Có']);
    await harness.deps.messenger.edit(ref, { text: 'Khảo sát (đã đóng)' });
    expect(zalo.edits).toEqual([]);
  });
});
