import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TextSignal } from '../../bot/kernel/text-signals';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, group, message, seedOrg, user } from '../helpers/harness';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

describe('text signals', () => {
  it('publishes messages of bound groups, NFC, with unit and chat but no author', async () => {
    const harness = createHarness(database);
    const org = await seedOrg(database);
    await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
    const seen: TextSignal[] = [];
    harness.deps.signals.subscribe(async (signal) => void seen.push(signal));

    await harness.handle(message(group('-free'), user(5), 'nhóm chưa gắn'));
    await harness.handle(message(dm(5), user(5), 'tin nhắn riêng'));
    await harness.handle(command(group('-cb1'), user(1), '/link CB1'));
    await harness.handle(message(group('-cb1'), user(5, 'Hà'), 'Lương chậm'.normalize('NFD')));

    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      text: 'Lương chậm'.normalize('NFC'),
      source: 'group',
      unitId: org.ids.CB1,
      chatId: expect.any(Number),
      at: harness.clock.now(),
    });
    expect(JSON.stringify(seen)).not.toContain('Hà');
  });
});
