import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, chats, roles } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, group, message, seedOrg, user } from '../../helpers/harness';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

type Caller =
  | 'nobody'
  | 'worker'
  | 'collaborator'
  | 'leader'
  | 'adminOfOtherCell'
  | 'adminOfCell'
  | 'globalAdmin';
const CALLERS: Caller[] = [
  'nobody',
  'worker',
  'collaborator',
  'leader',
  'adminOfOtherCell',
  'adminOfCell',
  'globalAdmin',
];

/** Each command with valid arguments, run in group "-100" (bound to CB1 before the call). */
const CASES: { text: string; where: 'group' | 'dm'; allowed: Caller[] }[] = [
  { text: '/start', where: 'dm', allowed: CALLERS },
  { text: '/help', where: 'dm', allowed: CALLERS },
  { text: '/whoami', where: 'dm', allowed: CALLERS },
  { text: '/lang en', where: 'dm', allowed: CALLERS },
  { text: '/linkaccount', where: 'dm', allowed: CALLERS },
  { text: '/link T1', where: 'group', allowed: ['adminOfCell', 'globalAdmin'] },
  { text: '/unlink', where: 'group', allowed: ['adminOfCell', 'globalAdmin'] },
  { text: '/role grant leader telegram:500 CB1', where: 'dm', allowed: ['adminOfCell', 'globalAdmin'] },
  { text: '/role revoke worker telegram:500 CB1', where: 'dm', allowed: ['adminOfCell', 'globalAdmin'] },
];

async function snapshot() {
  const [roleRows, chatRows] = await Promise.all([
    database.db.select().from(roles).orderBy(roles.id),
    database.db.select().from(chats).orderBy(chats.id),
  ]);
  return JSON.stringify({ roleRows, chatRows });
}

describe('role matrix: every command × every role', () => {
  for (const testCase of CASES) {
    for (const caller of CALLERS) {
      const allowed = testCase.allowed.includes(caller);
      it(`${testCase.text} by ${caller} is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const harness = createHarness(database);
        const { ids, personWith } = await seedOrg(database);
        const roleOf: Record<Caller, Parameters<typeof personWith>[2]> = {
          nobody: undefined,
          worker: { role: 'worker', unit: 'CB1' },
          collaborator: { role: 'collaborator', unit: 'CB1' },
          leader: { role: 'leader', unit: 'CB1' },
          adminOfOtherCell: { role: 'admin', unit: 'CB2' },
          adminOfCell: { role: 'admin', unit: 'CB1' },
          globalAdmin: { role: 'admin', unit: null },
        };
        await personWith(100, 'Người gọi', roleOf[caller]);
        await personWith(500, 'Người được cấp', { role: 'worker', unit: 'CB1' });
        await database.db.insert(chats).values({
          platform: 'telegram',
          externalId: '-100',
          title: 'Nhóm',
          unitId: ids.CB1,
          inviteToken: 'tok',
        });
        const from = user(100, 'Người gọi');
        const chat = testCase.where === 'group' ? group('-100') : dm(100);
        // Being in a bound group makes one a worker there; that is not the command's doing.
        if (testCase.where === 'group') await harness.handle(message(chat, from, 'xin chào'));
        const before = await snapshot();

        await harness.handle(command(chat, from, testCase.text));

        const reply = harness.messenger.last()?.message.text ?? '';
        const refused = /không có quyền|may not use/i.test(reply);
        expect(refused).toBe(!allowed);
        const isAdminCommand = /^\/(link|unlink|role)\b/.test(testCase.text);
        if (!allowed) {
          expect(await snapshot()).toBe(before);
          if (isAdminCommand) {
            const audit = await database.db.select().from(auditLog);
            expect(audit.map((a) => a.result)).toEqual(['refused']);
          }
        } else if (isAdminCommand) {
          expect(await snapshot()).not.toBe(before);
          const audit = await database.db.select().from(auditLog);
          expect(audit.map((a) => a.result)).toEqual(['ok']);
        }
      });
    }
  }
});
