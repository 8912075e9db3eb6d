import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTerms, readLexicon } from '../../../bot/features/hotspots/store';
import { directives, roles, units } from '../../../db/schema';
import { runScenarioCli } from '../../../scenarios/cli';
import { applyScenario, describeChange, planScenario } from '../../../scenarios/engine';
import { runLexiconCli } from '../../../scenarios/lexicon-cli';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { seedOrg } from '../../helpers/harness';
import { SHIPPED_SCENARIO } from './labelled';

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pulse-lexicon-'));
});
afterAll(async () => {
  await database.destroy();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => database.reset());

const LEXICON = `version: 1
lexicon:
  escalation:
    repeat: 1
    steps:
      - { notify: unit, escalate_after: 15m }
      - { notify: admins, escalate_after: 1h }
  topics:
    - id: wages
      name: Tiền lương
      severity: high
      surge: { hits: 5, window: 1h, baseline: { days: 14, factor: 2.5 } }
      terms: [nợ lương, chậm lương]
      playbook: Xác minh.
`;

function parse(yaml: string) {
  const loaded = parseScenario(yaml, 'lexicon.yaml');
  if (!loaded.ok) throw new Error(formatErrors(loaded.errors));
  return loaded.scenario;
}

describe('the lexicon: section of a scenario file', () => {
  it('reports a malformed entry with file, line and field, and applies nothing', () => {
    const bad = `version: 1
lexicon:
  topics:
    - id: Wages
      name: Tiền lương
      severity: urgent
      surge: { hits: 0, window: 90x }
      terms: [nợ lương, "!!!", Nợ  Lương]
      playbook: ""
      escalation: { steps: [{ notify: boss, escalate_after: 30m }] }
`;
    const loaded = parseScenario(bad, 'bad.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(formatErrors(loaded.errors).split('\n')).toEqual([
      'bad.yaml:4:11 lexicon.topics[0].id: must match ^[a-z][a-z0-9_-]{0,31}$ (got "Wages")',
      'bad.yaml:6:17 lexicon.topics[0].severity: must be one of low, medium, high, critical (got "urgent")',
      'bad.yaml:7:22 lexicon.topics[0].surge.hits: must be at least 1',
      'bad.yaml:7:33 lexicon.topics[0].surge.window: must be a duration from 0 to 10080 minutes, like 30m, 2h, 1d (got "90x")',
      'bad.yaml:8:25 lexicon.topics[0].terms[1]: "!!!" has no letters or digits',
      'bad.yaml:9:17 lexicon.topics[0].playbook: must not be empty',
      'bad.yaml:10:39 lexicon.topics[0].escalation.steps[0].notify: must be one of unit, parent, admins (got "boss")',
    ]);
  });

  it('refuses people, chats, directives or polls without the units they name', () => {
    const loaded = parseScenario(
      `${LEXICON}directives:\n  - { id: NV1, title: x, body: y, schedule: { at: 2030-01-01 08:00 } }\n`,
      'x.yaml',
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(formatErrors(loaded.errors)).toContain(
      'units: is required when the file lists people, chats, directives or polls',
    );
  });

  it('plans the differences, replaces the lexicon on apply (terms from /keywords too), and leaves the organisation alone', async () => {
    const org = await seedOrg(database);
    await org.personWith(1, 'Quản trị', { role: 'admin', unit: 'CTY' });
    const first = await planScenario(database.db, parse(LEXICON));
    expect(first.changes.map(describeChange)).toEqual([
      '+ topic wages "Tiền lương" (high, 2 terms, 0 exclusions)',
    ]);
    await applyScenario(database.db, parse(LEXICON), { now: new Date() });
    await addTerms(database.db, 'wages', [{ term: { text: 'khất lương', exact: false }, exclusion: false }]);

    const next = LEXICON.replace('[nợ lương, chậm lương]', '[nợ lương, trễ lương]').replace(
      'severity: high',
      'severity: critical',
    );
    const plan = await planScenario(database.db, parse(next));
    expect(describeChange(plan.changes[0]!).split('\n')).toEqual([
      '~ topic wages: severity high → critical',
      '+ term wages: trễ lương',
      '- term wages: chậm lương',
      '- term wages: khất lương',
    ]);
    await applyScenario(database.db, parse(next), { now: new Date() });
    const { lexicon, version } = await readLexicon(database.db);
    expect(lexicon.topics[0]!.terms.map((t) => t.text)).toEqual(['nợ lương', 'trễ lương']);
    expect(version).toBe(3);
    expect(await database.db.select().from(units)).toHaveLength(4);
    expect(await database.db.select().from(roles)).toHaveLength(1);
    expect((await planScenario(database.db, parse(next))).changes).toEqual([]);
  });

  it('validates and applies the shipped file through the scenario CLI', async () => {
    const io = { stdout: '', stderr: '' };
    const run = (argv: string[]) =>
      runScenarioCli(argv, {
        env: {},
        stdout: { write: (text: string) => (io.stdout += text) },
        stderr: { write: (text: string) => (io.stderr += text) },
        openDatabase: async () => ({ ...database, close: async () => {} }),
      });
    expect(await run(['validate', SHIPPED_SCENARIO])).toBe(0);
    expect(io.stdout).toMatch(/, 12 hot-spot topics with \d+ terms\)/);
    // The file's directives are the 2024 plan: applied as of the day it was issued.
    expect(await run(['apply', SHIPPED_SCENARIO, '--now', '2024-03-12T08:00+07:00'])).toBe(0);
    expect(io.stdout).toContain('+ topic accident "Tai nạn, sự cố mỏ" (critical,');
    const { lexicon } = await readLexicon(database.db);
    expect(lexicon.topics).toHaveLength(12);

    // A lexicon-only file afterwards replaces the lexicon and leaves units and directives alone.
    const path = join(dir, 'lexicon-only.yaml');
    writeFileSync(path, LEXICON);
    io.stdout = '';
    expect(await run(['apply', path])).toBe(0);
    expect(io.stdout).not.toContain('directive');
    expect(io.stdout).toContain('- topic accident');
    const live = await database.db.select().from(directives).where(isNull(directives.cancelledAt));
    expect(live.length).toBeGreaterThanOrEqual(6);
  });
});

describe('npm run lexicon -- match', () => {
  async function match(argv: string[], input: string) {
    const stdin = new PassThrough();
    stdin.end(input);
    let stdout = '';
    let stderr = '';
    const code = await runLexiconCli(argv, {
      stdin,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    return { code, stdout, stderr };
  }

  it('prints one JSON line per input line', async () => {
    const input = [
      'Công ty nợ lương 3 tháng',
      'Công ty định công bố kết quả',
      '',
      'sập lò rồi, anh em đình công',
    ].join('\n');
    const { code, stdout } = await match(['match', '--scenario', SHIPPED_SCENARIO], input);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toMatchObject([
      { line: 1, topics: ['wages'] },
      { line: 2, topics: [], concepts: {}, confidence: {}, source: {} },
      { line: 3, topics: [] },
      { line: 4, topics: ['accident', 'collective'] },
    ]);
    const withTerms = await match(['match', '--scenario', SHIPPED_SCENARIO, '--terms'], 'no luong');
    expect(JSON.parse(withTerms.stdout)).toMatchObject({ line: 1, topics: ['wages'], terms: ['nợ lương'] });
    // Beside the topics: the concepts that matched, a confidence and where the hit came from.
    const rule = await match(['match', '--scenario', SHIPPED_SCENARIO], 'tháng này vẫn chưa thấy lương về');
    const parsed = JSON.parse(rule.stdout);
    expect(parsed).toMatchObject({ line: 1, topics: ['wages'], concepts: { wages: ['salary', 'late'] } });
    expect(parsed.confidence.wages).toBeGreaterThanOrEqual(0.6);
    expect(['rule', 'both']).toContain(parsed.source.wages);
    const rulesOnly = await match(['match', '--scenario', SHIPPED_SCENARIO, '--rules-only'], 'lương chưa về');
    expect(JSON.parse(rulesOnly.stdout)).toMatchObject({ topics: ['wages'], source: { wages: 'rule' } });
  });

  it('refuses a bad invocation or a file with errors', async () => {
    expect((await match(['match'], '')).code).toBe(2);
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: 1\nlexicon:\n  topics: []\n');
    const bad = await match(['match', '--scenario', path], 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml:3:11 lexicon.topics: must list at least one topic');
  });
});
