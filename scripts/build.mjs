// `npm run build`: bundles Pulse's entry points into dist/ with esbuild (npm packages stay external,
// resolved from node_modules at run time) and copies the files the code reads at run time.
//
// Layout: dist/ mirrors the source tree. Every source file's `import.meta.url` is rewritten to the
// URL of its own place in that mirror (computed relative to the bundle, so dist/ can be moved with
// its node_modules), which keeps `new URL('./migrations', import.meta.url)` and the like true.

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
/** Written last: its presence (and its mtime) says the build is complete. */
export const STAMP = join(DIST, 'BUILD');

/** Entry points: source (without extension) → dist/<same path>.js */
export const ENTRIES = ['bot/main', 'db/migrate-cli', 'db/backup-cli'];
/** Source folders whose files end up in the bundles: a newer file there makes dist/ stale. */
export const SOURCES = ['bot', 'db', 'scenarios', 'scripts', 'package.json', 'package-lock.json'];
/** Files read at run time through `import.meta.url`, copied to the same place under dist/. */
const ASSETS = [
  'db/migrations',
  'bot/sandbox/web',
  'bot/features/hotspots/model.json',
  'scenarios/demo.yaml',
  'scenarios/2024-dlxh.yaml',
];

const LOCK = 'pulse.lock';
const toPosix = (path) => path.split(sep).join('/');

/** esbuild plugin: `import.meta.url` of each source file = its mirrored place under dist/. */
function mirrorImportMetaUrl(entryOf) {
  return {
    name: 'mirror-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const mirrored = join(DIST, relative(ROOT, args.path)).replace(/\.[cm]?ts$/, '.js');
        const fromBundle = toPosix(relative(dirname(entryOf(args.path)), mirrored));
        const expression = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', `(${expression})`), loader: 'ts' };
      });
    },
  };
}

export async function build({ quiet = false } = {}) {
  const started = performance.now();
  const esbuild = await import('esbuild');
  rmSync(DIST, { recursive: true, force: true });
  for (const entry of ENTRIES) {
    // Each entry in its own folder, with its chunks beside it (what is loaded only on demand, like
    // @slack/bolt, is in a chunk), so a module's mirrored URL is relative to that one folder.
    const outfile = join(DIST, `${entry}.js`);
    await esbuild.build({
      entryPoints: [join(ROOT, `${entry}.ts`)],
      outdir: dirname(outfile),
      splitting: true,
      chunkNames: 'chunk-[hash]',
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [mirrorImportMetaUrl(() => outfile)],
    });
  }
  for (const asset of ASSETS) {
    const from = join(ROOT, asset);
    const to = join(DIST, asset);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
  }
  await makePgliteTemplate();
  // Bare imports from dist/ resolve through ROOT/node_modules; `type: module` for the .js files.
  writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  if (!quiet) console.log(`Built dist/ in ${Math.round(performance.now() - started)} ms`);
}

/**
 * dist/db/pglite-template: an empty Pulse database with every migration applied, made by the built
 * migrate command itself; a fresh PGLITE_DIR starts as a copy of it (db/client.ts).
 */
async function makePgliteTemplate() {
  const work = mkdtempSync(join(tmpdir(), 'pulse-template-'));
  const dir = join(work, 'pglite');
  try {
    const env = { ...process.env, PGLITE_DIR: dir, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const result = spawnSync(process.execPath, [join(DIST, 'db/migrate-cli.js')], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`making the PGlite template failed: ${result.stderr}`);
    rmSync(join(dir, LOCK), { force: true });
    const pglite = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    );
    writeFileSync(join(dir, 'pulse-template.json'), `${JSON.stringify({ pglite: pglite.version })}\n`);
    cpSync(dir, join(DIST, 'db/pglite-template'), { recursive: true });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The newest mtime under `path` (files only), or 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSafe(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

function readdirSafe(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** dist/ is missing, incomplete, or older than a source file. */
export function isStale() {
  const built = newest(STAMP);
  if (built === 0) return true;
  return SOURCES.some((source) => newest(join(ROOT, source)) > built);
}

export const mainUrl = () => pathToFileURL(join(DIST, 'bot/main.js')).href;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build();
}
