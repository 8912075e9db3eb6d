import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function cruise(...paths: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(
      'npx',
      ['depcruise', ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: ROOT },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

describe('the layering rules (docs/architecture.md)', () => {
  it('hold for the whole tree', async () => {
    const result = await cruise('bot', 'db', 'scenarios');
    expect(result.output).toContain('no dependency violations');
    expect(result.code).toBe(0);
  }, 60_000);

  it('fail with the rule’s name when the kernel reaches into a feature or the database', async () => {
    const stray = `${ROOT}bot/kernel/zz-layers-test-stray.ts`;
    writeFileSync(
      stray,
      "import { polls } from '../../db/schema';\nimport { createFeature } from '../features/polls';\nexport const x = [polls, createFeature];\n",
    );
    try {
      const result = await cruise('bot/kernel');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('kernel-imports-npm-only');
      expect(result.output).toContain('zz-layers-test-stray.ts');
    } finally {
      rmSync(stray, { force: true });
    }
  }, 60_000);
});
