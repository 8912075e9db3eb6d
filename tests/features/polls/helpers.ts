import { eq } from 'drizzle-orm';
import type { ChatRef, InboundEvent, UserRef } from '../../../bot/kernel/types';
import { auditLog, chats } from '../../../db/schema';
import type { TestDatabase } from '../../helpers/db';
import { command, group, type Harness, message, seedOrg, user } from '../../helpers/harness';

let presses = 0;

export function tap(chat: ChatRef, from: UserRef, data: string): InboundEvent {
  presses++;
  return { kind: 'button', chat, from, data, pressId: `press-${presses}`, updateId: `tap-${presses}` };
}

/** The small org of the harness, with three groups bound (CB1, T1 under CB1, CB2) and some people. */
export async function pollsWorld(database: TestDatabase, harness: Harness) {
  const org = await seedOrg(database);
  const admin = user(1, 'Quản trị');
  const leaderCb1 = user(2, 'Bí thư Một');
  const leaderCb2 = user(3, 'Bí thư Hai');
  const collaboratorT1 = user(4, 'Cộng tác viên');
  await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
  await org.personWith(2, 'Bí thư Một', { role: 'leader', unit: 'CB1' });
  await org.personWith(3, 'Bí thư Hai', { role: 'leader', unit: 'CB2' });
  await org.personWith(4, 'Cộng tác viên', { role: 'collaborator', unit: 'T1' });
  const groups = { CB1: group('-cb1', 'Chi bộ 1'), T1: group('-t1', 'Tổ 1'), CB2: group('-cb2', 'Chi bộ 2') };
  for (const [code, chat] of Object.entries(groups))
    await harness.handle(command(chat, admin, `/link ${code}`));
  harness.messenger.clear();
  return { org, admin, leaderCb1, leaderCb2, collaboratorT1, groups };
}

/** A worker with a Telegram id from 100 up, placed in a unit by being seen in its group. */
export function worker(n: number): UserRef {
  return user(100 + n, `Công nhân ${n}`, `cn${n}`);
}

/** The answer buttons' data of the last message with buttons sent to `chatId`. */
export function buttonData(harness: Harness, chatId: string): string[] {
  const sent = [...harness.messenger.sent]
    .reverse()
    .find((s) => s.chat.externalId === chatId && s.message.buttons?.length);
  return (sent?.message.buttons ?? []).flat().flatMap((b) => ('data' in b ? [b.data] : []));
}

export async function auditResults(database: TestDatabase, commandName: string) {
  const rows = await database.db.select().from(auditLog).where(eq(auditLog.command, commandName));
  return rows.map((r) => r.result);
}

export async function chatUnit(database: TestDatabase, externalId: string) {
  const [row] = await database.db.select().from(chats).where(eq(chats.externalId, externalId));
  return row?.unitId ?? null;
}

/** Workers `from`..`to` say hello in a group, so Pulse knows them as members of its unit. */
export async function seenIn(harness: Harness, chat: ChatRef, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) await harness.handle(message(chat, worker(n), 'chào cả nhà'));
  harness.messenger.clear();
}
