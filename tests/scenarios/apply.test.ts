import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chats, identities, people, roles, units } from '../../db/schema';
import { applyScenario, planScenario, type ScenarioChange } from '../../scenarios/engine/index';
import { formatErrors, loadScenarioFile, parseScenario } from '../../scenarios/load';
import type { Scenario } from '../../scenarios/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const DEMO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
const NOW = new Date('2025-03-01T08:00:00Z');
const LATER = new Date('2025-04-01T08:00:00Z');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

async function demo(): Promise<Scenario> {
  const result = await loadScenarioFile(DEMO);
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.scenario;
}

function scenario(text: string): Scenario {
  const result = parseScenario(text, 'test.yaml');
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.scenario;
}

const apply = (s: Scenario, now = NOW) => applyScenario(database.db, s, { now });
const kinds = (changes: ScenarioChange[]) => changes.map((c) => c.kind);

async function snapshot() {
  const { db } = database;
  return {
    units: await db.select().from(units).orderBy(units.id),
    people: await db.select().from(people).orderBy(people.id),
    identities: await db.select().from(identities).orderBy(identities.id),
    roles: await db.select().from(roles).orderBy(roles.id),
    chats: await db.select().from(chats).orderBy(chats.id),
  };
}

async function unitRow(code: string) {
  const [row] = await database.db.select().from(units).where(eq(units.code, code));
  if (!row) throw new Error(`no unit ${code}`);
  return row;
}

async function rolesOf(key: string) {
  const rows = await database.db
    .select({ role: roles.role, unit: units.code, source: roles.source })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .leftJoin(units, eq(units.id, roles.unitId))
    .where(eq(people.scenarioKey, key));
  return rows.map((r) => `${r.role}@${r.unit}:${r.source}`).sort();
}

const SMALL = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - code: CB-KT
        name: Chi bộ Khai thác
        children: [{ code: T-KT1, name: Tổ Khai thác 1 }]
      - { code: CB-CD, name: Chi bộ Cơ điện }
people:
  - key: nguyen-van-an
    name: Nguyễn Văn An
    identities: { telegram: "100001", sandbox: an }
    roles: [{ role: leader, unit: CB-KT }, { role: worker, unit: T-KT1 }]
  - key: le-thi-binh
    name: Lê Thị Bình
    identities: { sandbox: binh }
    roles: [{ role: leader, unit: CB-CD }]
chats:
  - { platform: telegram, id: "-1001", title: Chi bộ Khai thác, unit: CB-KT }
`;

describe('planScenario on the demo company', () => {
  it('plans every unit, person, account, role and chat on an empty database, and writes nothing', async () => {
    const plan = await planScenario(database.db, await demo());
    const count = (kind: ScenarioChange['kind']) => plan.changes.filter((c) => c.kind === kind).length;
    expect([count('create_unit'), count('create_person'), count('add_identity')]).toEqual([10, 13, 26]);
    expect([count('grant_role'), count('add_chat')]).toEqual([13, 5]);
    expect(plan.changes).toContainEqual({
      kind: 'create_unit',
      code: 'CB-KT',
      name: 'Chi bộ Khai thác',
      parent: 'CTY',
    });
    expect(plan.kept).toEqual([]);
    expect((await snapshot()).units).toEqual([]);
  });
});

describe('applyScenario', () => {
  it('creates the demo tree with paths and depths, people, roles and bound chats', async () => {
    const applied = await apply(await demo());
    // 67 for the organisation, two directives, a poll series, a report schedule and the lexicon.
    expect(applied.changes).toHaveLength(72);

    const [cty, cell, team] = [await unitRow('CTY'), await unitRow('CB-KT'), await unitRow('T-KT1')];
    expect([cty.path, cty.depth, cty.parentId]).toEqual([`/${cty.id}/`, 0, null]);
    expect([cell.path, cell.depth, cell.parentId]).toEqual([`/${cty.id}/${cell.id}/`, 1, cty.id]);
    expect([team.path, team.depth]).toEqual([`/${cty.id}/${cell.id}/${team.id}/`, 2]);

    expect(await rolesOf('nguyen-van-an')).toEqual(['leader@CB-KT:scenario']);
    expect(await rolesOf('bui-van-hung')).toEqual(['worker@T-KT1:scenario']);

    const state = await snapshot();
    expect(state.people).toHaveLength(13);
    expect(state.identities).toHaveLength(26);
    const chat = state.chats.find((c) => c.externalId === 'grp-cb-kt');
    expect(chat).toMatchObject({
      platform: 'sandbox',
      title: 'Chi bộ Khai thác — nhóm chung',
      unitId: cell.id,
    });
    expect(chat?.boundAt).toEqual(NOW);
    expect(new Set(state.chats.map((c) => c.inviteToken)).size).toBe(5);
    expect(state.chats.every((c) => /^[A-Za-z0-9_-]{12}$/.test(c.inviteToken))).toBe(true);
  });

  it('changes nothing when the same file is applied again', async () => {
    await apply(await demo());
    const before = await snapshot();
    expect((await planScenario(database.db, await demo())).changes).toEqual([]);
    expect((await apply(await demo(), LATER)).changes).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('renames a unit and moves it, rewriting the paths of its whole subtree', async () => {
    await apply(scenario(SMALL));
    const cty = await unitRow('CTY');
    const outsideFile = await database.db
      .insert(units)
      .values({ code: 'T-KT1-CA3', name: 'Ca 3', parentId: (await unitRow('T-KT1')).id, path: '', depth: 3 })
      .returning();
    const team = await unitRow('T-KT1');
    await database.db
      .update(units)
      .set({ path: `${team.path}${outsideFile[0]!.id}/` })
      .where(eq(units.code, 'T-KT1-CA3'));

    const moved = SMALL.replace(
      '      - code: CB-KT\n        name: Chi bộ Khai thác\n        children: [{ code: T-KT1, name: Tổ Khai thác 1 }]\n',
      '      - code: KHOI-SX\n        name: Khối Sản xuất\n        children:\n' +
        '          - code: CB-KT\n            name: Chi bộ Khai thác lò\n            children: [{ code: T-KT1, name: Tổ Khai thác 1 }]\n',
    );
    const plan = await apply(scenario(moved));
    expect(plan.changes).toEqual([
      { kind: 'create_unit', code: 'KHOI-SX', name: 'Khối Sản xuất', parent: 'CTY' },
      {
        kind: 'update_unit',
        code: 'CB-KT',
        name: { from: 'Chi bộ Khai thác', to: 'Chi bộ Khai thác lò' },
        parent: { from: 'CTY', to: 'KHOI-SX' },
      },
    ]);
    expect(plan.kept).toEqual([{ code: 'T-KT1-CA3', name: 'Ca 3' }]);

    const [block, cell, shift] = [
      await unitRow('KHOI-SX'),
      await unitRow('CB-KT'),
      await unitRow('T-KT1-CA3'),
    ];
    expect([block.path, block.depth]).toEqual([`/${cty.id}/${block.id}/`, 1]);
    expect([cell.path, cell.depth, cell.parentId]).toEqual([
      `/${cty.id}/${block.id}/${cell.id}/`,
      2,
      block.id,
    ]);
    expect([(await unitRow('T-KT1')).path, (await unitRow('T-KT1')).depth]).toEqual([
      `${cell.path}${team.id}/`,
      3,
    ]);
    expect([shift.path, shift.depth]).toEqual([`${cell.path}${team.id}/${shift.id}/`, 4]);
    expect((await unitRow('CB-CD')).path).toBe(`/${cty.id}/${(await unitRow('CB-CD')).id}/`);
  });

  it('turns a unit and its parent around when the file swaps them', async () => {
    const file = (outer: string, inner: string) => `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: ${outer}
    name: Đơn vị ${outer}
    children: [{ code: ${inner}, name: Đơn vị ${inner} }]
`;
    await apply(scenario(file('A', 'B')));
    await apply(scenario(file('B', 'A')));
    const [a, b] = [await unitRow('A'), await unitRow('B')];
    expect([b.path, b.depth, b.parentId]).toEqual([`/${b.id}/`, 0, null]);
    expect([a.path, a.depth, a.parentId]).toEqual([`/${b.id}/${a.id}/`, 1, b.id]);
  });

  it('revokes a scenario role removed from the file and leaves roles from other sources alone', async () => {
    await apply(scenario(SMALL));
    const [an] = await database.db.select().from(people).where(eq(people.scenarioKey, 'nguyen-van-an'));
    const cell = await unitRow('CB-KT');
    await database.db.insert(roles).values([
      { personId: an!.id, unitId: cell.id, role: 'collaborator', source: 'command' },
      { personId: an!.id, unitId: null, role: 'admin', source: 'env' },
    ]);

    const withoutLeader = SMALL.replace('{ role: leader, unit: CB-KT }, ', '');
    const plan = await apply(scenario(withoutLeader));
    expect(plan.changes).toEqual([
      {
        kind: 'revoke_role',
        roleId: expect.any(Number),
        person: 'nguyen-van-an',
        role: 'leader',
        unit: 'CB-KT',
      },
    ]);
    expect(await rolesOf('nguyen-van-an')).toEqual([
      'admin@null:env',
      'collaborator@CB-KT:command',
      'worker@T-KT1:scenario',
    ]);
  });

  it('revokes the scenario roles of a person dropped from the file but keeps the person', async () => {
    await apply(scenario(SMALL));
    const withoutBinh = SMALL.replace(
      '  - key: le-thi-binh\n    name: Lê Thị Bình\n    identities: { sandbox: binh }\n    roles: [{ role: leader, unit: CB-CD }]\n',
      '',
    );
    const plan = await apply(scenario(withoutBinh));
    expect(kinds(plan.changes)).toEqual(['revoke_role']);
    expect(await rolesOf('le-thi-binh')).toEqual([]);
    expect(await database.db.select().from(people).where(eq(people.scenarioKey, 'le-thi-binh'))).toHaveLength(
      1,
    );
  });

  it('does not grant a role someone already holds from another source, and keeps that source', async () => {
    await apply(scenario(SMALL.replace('{ role: leader, unit: CB-KT }, ', '')));
    const [an] = await database.db.select().from(people).where(eq(people.scenarioKey, 'nguyen-van-an'));
    await database.db
      .insert(roles)
      .values({ personId: an!.id, unitId: (await unitRow('CB-KT')).id, role: 'leader', source: 'command' });
    expect((await apply(scenario(SMALL))).changes).toEqual([]);
    expect(await rolesOf('nguyen-van-an')).toContain('leader@CB-KT:command');
  });

  it('adopts someone first seen in a chat instead of creating a second person', async () => {
    const [seen] = await database.db.insert(people).values({ displayName: 'An (Telegram)' }).returning();
    await database.db
      .insert(identities)
      .values({ personId: seen!.id, platform: 'telegram', externalId: '100001' });

    const plan = await apply(scenario(SMALL));
    expect(plan.changes).toContainEqual({
      kind: 'adopt_person',
      key: 'nguyen-van-an',
      name: 'Nguyễn Văn An',
      personId: seen!.id,
      previously: `#${seen!.id} "An (Telegram)"`,
    });
    const [an] = await database.db.select().from(people).where(eq(people.scenarioKey, 'nguyen-van-an'));
    expect(an).toMatchObject({ id: seen!.id, displayName: 'Nguyễn Văn An' });
    const accounts = await database.db.select().from(identities).where(eq(identities.personId, seen!.id));
    expect(accounts.map((i) => `${i.platform}:${i.externalId}`).sort()).toEqual([
      'sandbox:an',
      'telegram:100001',
    ]);
    expect(await database.db.select().from(people)).toHaveLength(2);
  });

  it('moves an account the file gives to another person', async () => {
    await apply(scenario(SMALL));
    const handedOver = SMALL.replace('{ telegram: "100001", sandbox: an }', '{ sandbox: an }').replace(
      '{ sandbox: binh }',
      '{ sandbox: binh, telegram: "100001" }',
    );
    const plan = await apply(scenario(handedOver));
    expect(plan.changes).toEqual([
      {
        kind: 'move_identity',
        key: 'le-thi-binh',
        platform: 'telegram',
        externalId: '100001',
        from: 'nguyen-van-an',
      },
    ]);
    const [account] = await database.db.select().from(identities).where(eq(identities.externalId, '100001'));
    const [binh] = await database.db.select().from(people).where(eq(people.scenarioKey, 'le-thi-binh'));
    expect(account?.personId).toBe(binh!.id);
  });

  it('binds a chat the bot already knows, rebinds it when the file moves it, and keeps its invite token', async () => {
    await database.db.insert(chats).values({
      platform: 'telegram',
      externalId: '-1001',
      title: 'Old title',
      inviteToken: 'existing-token',
    });
    const first = await apply(scenario(SMALL));
    expect(first.changes).toContainEqual({
      kind: 'bind_chat',
      platform: 'telegram',
      externalId: '-1001',
      title: 'Chi bộ Khai thác',
      unit: { from: null, to: 'CB-KT' },
    });

    const second = await apply(
      scenario(SMALL.replace('title: Chi bộ Khai thác, unit: CB-KT', 'unit: CB-CD')),
      LATER,
    );
    expect(kinds(second.changes)).toEqual(['bind_chat']);
    const [chat] = await database.db.select().from(chats);
    expect(chat).toMatchObject({
      title: 'Chi bộ Khai thác',
      unitId: (await unitRow('CB-CD')).id,
      inviteToken: 'existing-token',
      boundAt: LATER,
    });

    const third = await apply(
      scenario(SMALL.replace('title: Chi bộ Khai thác, unit: CB-KT', 'title: Cơ điện, unit: CB-CD')),
    );
    expect(third.changes).toEqual([
      {
        kind: 'retitle_chat',
        platform: 'telegram',
        externalId: '-1001',
        title: { from: 'Chi bộ Khai thác', to: 'Cơ điện' },
      },
    ]);
  });

  it('renames a person whose name changed in the file', async () => {
    await apply(scenario(SMALL));
    const plan = await apply(scenario(SMALL.replace('name: Lê Thị Bình', 'name: Lê Thị Thanh Bình')));
    expect(plan.changes).toEqual([
      { kind: 'rename_person', key: 'le-thi-binh', name: { from: 'Lê Thị Bình', to: 'Lê Thị Thanh Bình' } },
    ]);
  });

  it('applies everything or nothing: a failing write rolls the whole file back', async () => {
    await database.query(sql`alter table chats add constraint test_no_boom check (title <> 'BOOM')`);
    try {
      await expect(
        apply(scenario(SMALL.replace('title: Chi bộ Khai thác', 'title: BOOM'))),
      ).rejects.toThrow();
      const state = await snapshot();
      expect([state.units, state.people, state.identities, state.roles, state.chats]).toEqual([
        [],
        [],
        [],
        [],
        [],
      ]);
    } finally {
      await database.query(sql`alter table chats drop constraint test_no_boom`);
    }
  });
});
