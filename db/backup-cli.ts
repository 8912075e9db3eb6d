import 'dotenv/config';
import { loadConfig } from '../bot/config';
import { BackupError, backup, restore } from './backup';

/** `npm run backup -- FILE` / `npm run restore -- FILE`: see docs/deployment.md (Backups). */
const [command, file] = process.argv.slice(2);
if ((command !== 'backup' && command !== 'restore') || !file) {
  console.error(
    'Usage: npm run backup -- FILE   |   npm run restore -- FILE (into an empty PGLITE_DIR or database)',
  );
  process.exit(2);
}
try {
  const config = loadConfig(process.env);
  const result =
    command === 'backup' ? await backup(config.database, file) : await restore(config.database, file);
  const where = config.database.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `PGlite (${config.database.pgliteDir})`;
  console.log(
    `${command === 'backup' ? 'Backed up' : 'Restored'} ${where} ${command === 'backup' ? 'to' : 'from'} ${file}: ${(result.bytes / 1e6).toFixed(1)} MB in ${(result.ms / 1000).toFixed(1)} s.`,
  );
} catch (error) {
  console.error(
    error instanceof BackupError ? error.message : `${command} failed: ${(error as Error).message}`,
  );
  process.exit(1);
}
