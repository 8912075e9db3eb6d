import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import {
  command,
  createHarness,
  dm,
  group,
  type Harness,
  message,
  seedOrg,
  user,
} from '../../helpers/harness';

let database: TestDatabase;
let harness: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  await seedOrg(database);
});

const worker = user(101, 'Công nhân');

describe('a plain DM', () => {
  it('gets a short menu of what the worker can do, and nothing of it is kept', async () => {
    await harness.handle(message(dm(101), worker, 'alo, bao giờ có lương tháng 12?'));
    const reply = harness.messenger.last()!;
    expect(reply.chat).toMatchObject({ kind: 'dm', externalId: '101' });
    expect(reply.message.text).toContain('Pulse không đọc tin nhắn thường');
    expect(reply.message.text).toContain('/gopy');
    expect(reply.message.text).toContain('/help');
    expect(reply.message.text).not.toContain('lương tháng 12');
  });

  it('in English for a worker who chose it; a plain group message still gets no answer', async () => {
    await harness.handle(command(dm(101), worker, '/lang en'));
    await harness.handle(message(dm(101), worker, 'hello?'));
    expect(harness.messenger.last()!.message.text).toContain('Pulse does not read plain messages');
    harness.messenger.clear();
    await harness.handle(message(group('-100'), worker, 'chào cả nhà'));
    expect(harness.messenger.sent).toEqual([]);
  });
});
