import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { units } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

describe('database', () => {
  it('migrates and stores a unit', async () => {
    await database.db.insert(units).values({ code: 'CTY', name: 'Công ty', path: '/1/', depth: 0 });
    const rows = await database.db.select().from(units);
    expect(rows.map((r) => r.code)).toEqual(['CTY']);
  });

  it('starts each test empty', async () => {
    expect(await database.db.select().from(units)).toEqual([]);
  });
});
