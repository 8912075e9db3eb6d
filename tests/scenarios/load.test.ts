import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatErrors, loadScenarioFile, parseScenario, type ScenarioError } from '../../scenarios/load';

const DEMO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

/** A valid file; each broken case swaps one line (or several) so line numbers stay easy to read. */
const VALID = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - { code: CB-KT, name: Chi bộ Khai thác }
people:
  - key: nguyen-van-an
    name: Nguyễn Văn An
    identities: { telegram: "100001" }
    roles: [{ role: leader, unit: CB-KT }]
chats:
  - { platform: sandbox, id: grp-kt, title: Nhóm Khai thác, unit: CB-KT }
`;

const CELL = '{ code: CB-KT, name: Chi bộ Khai thác }';
const cellWithTeam = (code: string) =>
  `{ code: CB-KT, name: Chi bộ Khai thác, children: [{ code: ${code}, name: Tổ 1 }] }`;

function errorsOf(text: string): ScenarioError[] {
  const result = parseScenario(text, 'scenarios/broken.yaml');
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors;
}

describe('the demo scenario', () => {
  it('is valid: one company, three cells of two teams, people with accounts, bound chats', async () => {
    const result = await loadScenarioFile(DEMO);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    const { scenario } = result;
    expect(scenario.units!.map((u) => u.code)).toEqual(['CTY']);
    const cty = scenario.units![0]!;
    expect(cty.children.map((c) => [c.code, c.children.map((t) => t.code)])).toEqual([
      ['CB-KT', ['T-KT1', 'T-KT2']],
      ['CB-CD', ['T-CD1', 'T-CD2']],
      ['CB-VP', ['T-VP1', 'T-VP2']],
    ]);
    const rolesOf = (role: string) => scenario.people.filter((p) => p.roles.some((r) => r.role === role));
    expect(rolesOf('admin')).toHaveLength(1);
    expect(rolesOf('leader').flatMap((p) => p.roles.map((r) => r.unit))).toEqual(['CB-KT', 'CB-CD', 'CB-VP']);
    expect(rolesOf('collaborator')).toHaveLength(1);
    expect(scenario.people.every((p) => p.identities.sandbox && p.identities.telegram)).toBe(true);
    expect(scenario.chats.every((c) => c.platform === 'sandbox')).toBe(true);
  });
});

describe('parseScenario', () => {
  it('accepts unquoted numeric ids and stores every text in NFC', () => {
    const decomposed = 'Nguye\u0302\u0303n Va\u0306n An';
    const text = VALID.replace('name: Nguyễn Văn An', `name: "  ${decomposed} "`).replace(
      '"100001"',
      '100001',
    );
    const result = parseScenario(text, 'x.yaml');
    if (!result.ok) throw new Error(formatErrors(result.errors));
    expect(result.scenario.people[0]?.name).toBe('Nguyễn Văn An'.normalize('NFC'));
    expect(result.scenario.people[0]?.identities.telegram).toBe('100001');
  });

  it.each([
    {
      problem: 'a YAML syntax error',
      text: VALID.replace(
        '    roles: [{ role: leader, unit: CB-KT }]',
        '    roles: [{ role: leader, unit: CB-KT }',
      ),
      line: 13,
      field: '',
      message: /flow/i,
    },
    {
      problem: 'an unknown key',
      text: VALID.replace('    name: Nguyễn Văn An', '    name: Nguyễn Văn An\n    phone: "0912"'),
      line: 11,
      field: 'people[0].phone',
      message: /unknown key "phone"/,
    },
    {
      problem: 'a value of the wrong type',
      text: VALID.replace('    roles: [{ role: leader, unit: CB-KT }]', '    roles: leader'),
      line: 12,
      field: 'people[0].roles',
      message: /must be a list \(got "leader"\)/,
    },
    {
      problem: 'a unit code that breaks the pattern',
      text: VALID.replace(CELL, cellWithTeam('t 1')),
      line: 7,
      field: 'units[0].children[0].children[0].code',
      message: /must match \^\[A-Z0-9\].* \(got "t 1"\)/,
    },
    {
      problem: 'a duplicate unit code',
      text: VALID.replace(CELL, cellWithTeam('CTY')),
      line: 7,
      field: 'units[0].children[0].children[0].code',
      message: /duplicate unit code "CTY" \(first at units\[0\]\.code\)/,
    },
    {
      problem: 'a role on a unit the file does not define',
      text: VALID.replace('{ role: leader, unit: CB-KT }', '{ role: leader, unit: CB-XX }'),
      line: 12,
      field: 'people[0].roles[0].unit',
      message: /unknown unit "CB-XX"/,
    },
    {
      problem: 'a chat bound to a unit the file does not define',
      text: VALID.replace('title: Nhóm Khai thác, unit: CB-KT', 'title: Nhóm Khai thác, unit: CB-XX'),
      line: 14,
      field: 'chats[0].unit',
      message: /unknown unit "CB-XX"/,
    },
    {
      problem: 'a missing required field (pointing at its map)',
      text: VALID.replace('    name: Nguyễn Văn An\n', ''),
      line: 9,
      field: 'people[0].name',
      message: /is required/,
    },
  ])('reports $problem with its line and field', ({ text, line, field, message }) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'scenarios/broken.yaml', line, field });
    expect(errors[0]?.message).toMatch(message);
  });

  it('reports every problem of a file at once, in line order', () => {
    const text = VALID.replace(CELL, cellWithTeam('t-1')).replace('{ role: leader,', '{ role: boss,');
    expect(errorsOf(text).map((e) => [e.line, e.field])).toEqual([
      [7, 'units[0].children[0].children[0].code'],
      [12, 'people[0].roles[0].role'],
    ]);
  });

  it('rejects a person with no account and a second person with the same account', () => {
    const text = VALID.replace(
      'chats:',
      '  - key: an-2\n    name: An\n    identities: { telegram: "100001" }\n  - key: an-3\n    name: An\n    identities: {}\nchats:',
    );
    expect(errorsOf(text).map((e) => `${e.line} ${e.field}: ${e.message}`)).toEqual([
      '15 people[1].identities.telegram: duplicate telegram account "100001" (first at people[0].identities.telegram)',
      '18 people[2].identities: must list at least one account (telegram, slack, zalo, zalo-oa, sandbox)',
    ]);
  });

  it('rejects sections it does not know yet, such as a misspelt top-level key', () => {
    const errors = errorsOf(`${VALID}pols: []\n`);
    expect(errors).toMatchObject([{ line: 15, column: 1, field: 'pols' }]);
  });

  it('rejects an empty file and a file of another version', () => {
    expect(errorsOf('')[0]).toMatchObject({ line: 1, field: '', message: /must be a map/ });
    expect(errorsOf(VALID.replace('version: 1', 'version: 2'))[0]).toMatchObject({
      line: 1,
      field: 'version',
      message: /must be 1.*\(got 2\)/,
    });
  });
});

describe('formatErrors', () => {
  it('prints file:line:column, the field and the message, one error per line', () => {
    const errors = errorsOf(VALID.replace('code: CB-KT,', 'code: cb 1,'));
    expect(formatErrors(errors).split('\n')).toEqual([
      'scenarios/broken.yaml:7:17 units[0].children[0].code: must match ^[A-Z0-9][A-Z0-9_-]{0,31}$ (got "cb 1")',
      'scenarios/broken.yaml:12:35 people[0].roles[0].unit: unknown unit "CB-KT" (not defined under units:)',
      'scenarios/broken.yaml:14:67 chats[0].unit: unknown unit "CB-KT" (not defined under units:)',
    ]);
  });
});
