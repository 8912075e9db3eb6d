import { eq } from 'drizzle-orm';
import { createDirectiveTick } from '../../../bot/features/directives';
import { flushFeedback } from '../../../bot/features/feedback/feedback';
import { closeDuePolls } from '../../../bot/features/polls/close';
import type { ChatRef, InboundEvent, UserRef } from '../../../bot/kernel/types';
import { directives, polls } from '../../../db/schema';
import type { TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, group, type Harness, message, user } from '../../helpers/harness';
import { applyText } from '../directives/fixtures';

/** CTY → CB1 → T1, CTY → CB2, one bound group each; one person per role; directive NV1 on 15/03/2024. */
export const WORLD = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - code: CB1
        name: Chi bộ 1
        children: [{ code: T1, name: Tổ 1 }]
      - { code: CB2, name: Chi bộ 2 }
people:
  - { key: admin, name: Quản trị, identities: { telegram: "1" }, roles: [{ role: admin, unit: CTY }] }
  - { key: leader1, name: Bí thư Một, identities: { telegram: "2" }, roles: [{ role: leader, unit: CB1 }] }
  - { key: leader2, name: Bí thư Hai, identities: { telegram: "3" }, roles: [{ role: leader, unit: CB2 }] }
  - { key: ctv1, name: Cộng tác viên, identities: { telegram: "4" }, roles: [{ role: collaborator, unit: CB1 }] }
chats:
  - { platform: telegram, id: "-1001", title: Nhóm Chi bộ 1, unit: CB1 }
  - { platform: telegram, id: "-1003", title: Nhóm Tổ 1, unit: T1 }
  - { platform: telegram, id: "-1002", title: Nhóm Chi bộ 2, unit: CB2 }
directives:
  - id: NV1
    title: Quán triệt Kết luận 100-KL/TW
    body: Các chi bộ tổ chức quán triệt tới toàn thể đảng viên.
    schedule: { at: 2024-03-15 08:00 }
    ack: true
`;

export const ADMIN = user(1, 'Quản trị');
export const LEADER_CB1 = user(2, 'Bí thư Một');
export const LEADER_CB2 = user(3, 'Bí thư Hai');
export const COLLABORATOR_CB1 = user(4, 'Cộng tác viên');
export const WORKER = user(10, 'Công nhân 10');
export const GROUPS = { CB1: group('-1001'), T1: group('-1003'), CB2: group('-1002') };
/** Monday 18/03/2024 09:00 in Hà Nội: "last week" is 11–17/03. */
export const REPORT_AT = new Date('2024-03-18T02:00:00Z');

let presses = 0;
const press = (chat: ChatRef, from: UserRef, data: string, messageId = '1'): InboundEvent => ({
  kind: 'button',
  chat,
  from,
  data,
  pressId: `r-${++presses}`,
  message: { chat, messageId },
  updateId: `r-${presses}`,
});

export interface Answers {
  CB1: number[];
  T1: number[];
  CB2: number[];
}

/**
 * Builds a week of activity through the real commands: members seen in their groups, a /pulse to
 * the whole company answered with the given values (1–5) per group, NV1 posted by the directive
 * job and acknowledged by `acks` people per group, and `feedback` anonymous messages from CB2.
 */
export async function buildWeek(
  database: TestDatabase,
  answers: Answers,
  options: {
    acks?: Partial<Record<keyof Answers, number>>;
    feedback?: number;
    when?: Date;
    extra?: string;
    /** False: leave the pulse open (reports must then not count it). */
    closePulse?: boolean;
  } = {},
): Promise<Harness> {
  await database.reset();
  const when = options.when ?? new Date('2024-03-12T02:00:00Z');
  await applyText(database, WORLD + (options.extra ?? ''), new Date('2024-03-01T01:00:00Z'));
  const h = createHarness(database);
  h.clock.set(when);
  const people: Record<keyof Answers, UserRef[]> = { CB1: [], T1: [], CB2: [] };
  let next = 100;
  for (const code of ['CB1', 'T1', 'CB2'] as const) {
    for (let i = 0; i < answers[code].length; i++) {
      const person = user(next++, `Công nhân ${next}`);
      people[code].push(person);
      await h.handle(message(GROUPS[code], person, 'chào cả nhà'));
    }
  }
  await h.handle(
    command(dm(1), ADMIN, '/pulse Tuần này bạn thấy công việc thế nào? --units CTY --closes 24h'),
  );
  const [poll] = await database.db.select().from(polls).orderBy(polls.id);
  if (!poll) throw new Error('the pulse was not created');
  for (const code of ['CB1', 'T1', 'CB2'] as const) {
    for (const [i, value] of answers[code].entries())
      await h.handle(press(GROUPS[code], people[code][i]!, `pa:${poll.id}:${value - 1}`));
  }
  // Reports count closed polls only, in the period they closed in: the pulse closes after its 24 h.
  if (options.closePulse !== false) {
    h.clock.set(new Date(when.getTime() + 25 * 60 * 60 * 1000));
    await closeDuePolls(h.deps, h.clock.now());
  }
  const tick = createDirectiveTick(h.deps, 'report-test');
  h.clock.set(new Date('2024-03-15T01:00:00Z'));
  await tick(h.clock.now());
  const [directive] = await database.db.select().from(directives);
  for (const code of ['CB1', 'T1', 'CB2'] as const) {
    for (const person of people[code].slice(0, options.acks?.[code] ?? 0))
      await h.handle(press(GROUPS[code], person, `ack:${directive!.id}`));
  }
  for (let i = 0; i < (options.feedback ?? 0); i++) {
    const person = people.CB2[i]!;
    await h.handle(command(dm(person.externalId), person, `/gopy Góp ý số ${i + 1} về bữa ăn ca`));
  }
  // Feedback is written by the hour (see docs/privacy.md): write what this process holds.
  await flushFeedback(h.deps, h.clock.now(), { all: true });
  h.clock.set(REPORT_AT);
  h.messenger.clear();
  return h;
}

export async function pollId(database: TestDatabase): Promise<number> {
  const [poll] = await database.db.select().from(polls).where(eq(polls.kind, 'scale'));
  return poll!.id;
}
