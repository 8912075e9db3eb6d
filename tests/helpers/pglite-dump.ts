import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/client';

/**
 * Vitest global setup: one migrated PGlite, dumped once, that every test file's in-memory database
 * starts from (tests/helpers/db.ts). initdb and the migrations cost seconds per file; loading the
 * dump costs a fraction. The dump is keyed by the migrations, so a new migration makes a new one.
 */
export default async function setup(): Promise<void> {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (name.endsWith('.sql') || name.endsWith('.json'))
      hash.update(name).update(readFileSync(join(MIGRATIONS_FOLDER, name)));
  }
  const file = join(tmpdir(), `pulse-test-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const database = await openDatabase({ pgliteDir: 'memory://' });
    await database.migrate();
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir('none');
    await database.close();
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  process.env.PULSE_TEST_PGLITE_DUMP = file;
}
