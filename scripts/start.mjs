// `npm start`: runs the build in dist/ with plain Node, building it first when it is missing or older
// than a source file. Where the build cannot be made (no esbuild installed), it falls back to
// running the TypeScript sources through tsx. The production command is `node dist/bot/main.js`.
import { pathToFileURL } from 'node:url';
import { build, isStale, mainUrl, ROOT } from './build.mjs';

let entry = mainUrl();
if (isStale()) {
  try {
    await build({ quiet: true });
  } catch (error) {
    console.error(
      `Could not build dist/ (${error.message.split('\n')[0]}); running the sources through tsx.`,
    );
    const { register } = await import('tsx/esm/api');
    register();
    entry = pathToFileURL(`${ROOT}/bot/main.ts`).href;
  }
}
await import(entry);
