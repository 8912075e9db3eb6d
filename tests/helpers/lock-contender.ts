// One contender for the PGlite directory lock: prints WON (and holds it briefly) or LOCKED.
import { DatabaseLockedError, lockDirectory } from '../../db/lock';

const [dir, holdMs = '800', startAt = '0'] = process.argv.slice(2);
// Both contenders wait for the same wall-clock instant, so they race on the atomic create.
while (Date.now() < Number(startAt)) {}
try {
  const release = lockDirectory(dir!);
  console.log('WON');
  setTimeout(() => {
    release();
    process.exit(0);
  }, Number(holdMs));
} catch (error) {
  console.log(error instanceof DatabaseLockedError ? 'LOCKED' : `ERROR ${(error as Error).message}`);
  process.exit(0);
}
