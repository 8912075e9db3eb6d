import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { units } from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, loadScenarioFile } from '../../scenarios/load';
import type { Clock } from '../kernel/types';

export const DEMO_SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

/**
 * Gives an empty database the demo company, so the sandbox has people to act as. A database
 * that already has units is left alone; a broken demo file is logged and Pulse still starts.
 */
export async function seedDemoWhenEmpty(
  db: Db,
  options: { clock: Clock; logger: Logger; file?: string },
): Promise<boolean> {
  const [row] = await db.select({ units: count() }).from(units);
  if ((row?.units ?? 0) > 0) return false;
  const file = options.file ?? DEMO_SCENARIO;
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) {
    options.logger.error(`sandbox demo scenario not applied:\n${formatErrors(loaded.errors)}`);
    return false;
  }
  const plan = await applyScenario(db, loaded.scenario, { now: options.clock.now() });
  options.logger.info({ file, changes: plan.changes.length }, 'sandbox demo scenario applied');
  return true;
}

/** SANDBOX_DATA=simulated: the sandbox runs on what `npm run simulate` wrote; an empty database is a mistake worth saying. */
export async function warnWhenNotSimulated(db: Db, logger: Logger): Promise<void> {
  const [row] = await db.select({ units: count() }).from(units);
  if ((row?.units ?? 0) === 0)
    logger.error('SANDBOX_DATA=simulated but the database is empty: run `npm run simulate` against it first');
}
