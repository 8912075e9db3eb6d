import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `npm run bench [name…]`: runs every tests/bench/*.bench.ts (or the named ones), one after another. */
const folder = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)))
  .sort();
if (files.length === 0) console.log('No benchmarks found.');
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
for (const file of files) {
  console.log(`\n# ${file}`);
  const bench = (await import(new URL(file, import.meta.url).href)) as { run(): Promise<void> };
  await bench.run();
}
