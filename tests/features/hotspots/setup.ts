import { lexiconOf } from '../../../bot/features/hotspots';
import { applyScenario } from '../../../scenarios/engine';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { TestDatabase } from '../../helpers/db';
import { command, createHarness, group, type Harness, seedOrg, user } from '../../helpers/harness';

/** A small lexicon for behaviour tests: wages surges at 3 hits in 10 minutes; accidents are critical. */
export const TEST_LEXICON = `
version: 1
lexicon:
  excerpts: {excerpts}
  escalation:
    repeat: 2
    steps:
      - { notify: unit, escalate_after: 30m }
      - { notify: parent, escalate_after: 90m }
      - { notify: admins, escalate_after: 2h }
  topics:
    - id: wages
      name: Tiền lương
      severity: high
      surge: { hits: 3, window: 10m }
      terms: [nợ lương, chậm lương, lg chậm]
      exclusions: [không nợ lương]
      playbook: Gặp tổ ngay trong ca, xác minh với kế toán.
    - id: accident
      name: Tai nạn
      severity: critical
      terms: [tai nạn, sập lò]
      exclusions: [bảo hiểm tai nạn]
      playbook: Gọi cấp cứu mỏ, báo Giám đốc.
`;

export async function installLexicon(harness: Harness, yaml: string, excerpts = false): Promise<void> {
  const loaded = parseScenario(yaml.replace('{excerpts}', String(excerpts)), 'test.yaml');
  if (!loaded.ok) throw new Error(formatErrors(loaded.errors));
  await applyScenario(harness.deps.db, loaded.scenario, { now: harness.clock.now() });
  await lexiconOf(harness.deps).refresh(harness.deps.db);
}

export const ADMIN = user(1, 'Trần Thị Thu Hà', 'thuha');
export const LEADER_T1 = user(11, 'Nguyễn Văn An', 'vanan');
export const LEADER_CB1 = user(10, 'Lê Minh Tuấn', 'minhtuan');
export const WORKER = user(50, 'Bùi Văn Hùng', 'hung_lo');
export const T1_GROUP = group('-1001', 'Tổ 1 — nhóm chung');

/**
 * CTY → CB1 → T1, CTY → CB2, with an organisation admin, a leader on CB1 and one on T1, the
 * T1 group bound, and the test lexicon installed.
 */
export async function setupHotspots(
  database: TestDatabase,
  options: { excerpts?: boolean; env?: Record<string, string> } = {},
) {
  const harness = createHarness(database, options.env);
  const org = await seedOrg(database);
  const admin = await org.personWith(1, ADMIN.displayName, { role: 'admin', unit: 'CTY' });
  const leaderCb1 = await org.personWith(10, LEADER_CB1.displayName, { role: 'leader', unit: 'CB1' });
  const leaderT1 = await org.personWith(11, LEADER_T1.displayName, { role: 'leader', unit: 'T1' });
  await installLexicon(harness, TEST_LEXICON, options.excerpts ?? false);
  await harness.handle(command(T1_GROUP, ADMIN, '/link T1'));
  harness.messenger.clear();
  return { harness, org, people: { admin, leaderCb1, leaderT1 } };
}
