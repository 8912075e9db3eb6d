import { sql } from 'drizzle-orm';
import type { ChatRef, InboundEvent, UserRef } from '../../../bot/kernel/types';
import { type SurveyQuestion, surveyTemplates } from '../../../db/schema';
import type { TestDatabase } from '../../helpers/db';
import { command, dm, group, type Harness, message, seedOrg, user } from '../../helpers/harness';

let presses = 0;

export function tap(chat: ChatRef, from: UserRef, data: string): InboundEvent {
  presses++;
  return { kind: 'button', chat, from, data, pressId: `svpress-${presses}`, updateId: `svtap-${presses}` };
}

/** A worker with a Telegram id from 100 up. */
export function worker(n: number): UserRef {
  return user(100 + n, `Công nhân ${n}`, `cn${n}`);
}

/** Five questions, one of each kind but scale twice: scale, yes/no, choice, 0–10, open text. */
export const FIVE_QUESTIONS: SurveyQuestion[] = [
  { kind: 'scale', text: { vi: 'Bạn hài lòng với thu nhập không?', en: 'Are you happy with your pay?' } },
  { kind: 'yesno', text: { vi: 'Lương tháng này có đúng hạn không?' } },
  {
    kind: 'choice',
    text: { vi: 'Bạn biết tin chủ yếu qua đâu?' },
    options: ['Họp tổ', 'Nhóm chat', 'Bảng tin'],
  },
  { kind: 'nps', text: { vi: 'Bạn có giới thiệu công ty cho người thân không?' } },
  { kind: 'text', text: { vi: 'Bạn muốn góp ý điều gì?' } },
];

/** CB1 and CB2 groups bound, an admin, workers 1..8 seen in CB1 and 9..12 in CB2, a 5-question template. */
export async function surveysWorld(database: TestDatabase, harness: Harness, minTexts = 5) {
  const org = await seedOrg(database);
  const admin = user(1, 'Quản trị');
  await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
  const groups = { CB1: group('-cb1', 'Chi bộ 1'), CB2: group('-cb2', 'Chi bộ 2') };
  for (const [code, chat] of Object.entries(groups))
    await harness.handle(command(chat, admin, `/link ${code}`));
  for (let n = 1; n <= 12; n++)
    await harness.handle(message(n <= 8 ? groups.CB1 : groups.CB2, worker(n), 'chào cả nhà'));
  await database.db.insert(surveyTemplates).values({
    key: 'quy-4',
    title: 'Khảo sát quý 4',
    questions: FIVE_QUESTIONS,
    minAnswers: 5,
    minTexts,
  });
  harness.messenger.clear();
  return { org, admin, groups };
}

/** The buttons' data of the last message with buttons sent to a chat. */
export function lastButtons(harness: Harness, chatId: string): string[] {
  const sent = [...harness.messenger.sent]
    .reverse()
    .find((s) => s.chat.externalId === chatId && s.message.buttons?.length);
  return (sent?.message.buttons ?? []).flat().flatMap((b) => ('data' in b ? [b.data] : []));
}

export function lastText(harness: Harness, chatId: string): string {
  return [...harness.messenger.sent].reverse().find((s) => s.chat.externalId === chatId)?.message.text ?? '';
}

/**
 * Answers the current question of the worker's survey in their DM: a number is the option, 's'
 * skips, a string is typed text.
 */
export async function answer(harness: Harness, who: UserRef, value: number | 's' | string): Promise<void> {
  const chat = dm(who.externalId);
  if (typeof value === 'string' && value !== 's') {
    await harness.handle(message(chat, who, value));
    return;
  }
  const buttons = lastButtons(harness, who.externalId).filter((d) => d.startsWith('sva:'));
  const wanted = buttons.find((d) => d.endsWith(`:${value}`));
  if (!wanted) throw new Error(`no button for ${value} in ${buttons.join(' ')}`);
  await harness.handle(tap(chat, who, wanted));
}

/** Every row of every public table as JSON text: what a database reader sees. */
export async function dumpDatabase(database: TestDatabase): Promise<string> {
  const result = await database.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    table_name: string;
  }[];
  const parts: string[] = [];
  for (const { table_name } of rows) {
    const data = await database.db.execute(sql.raw(`select * from "${table_name}"`));
    parts.push(
      `${table_name}: ${JSON.stringify(Array.isArray(data) ? data : (data as { rows: unknown[] }).rows)}`,
    );
  }
  return parts.join('\n');
}
