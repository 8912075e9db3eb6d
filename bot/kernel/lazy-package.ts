import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use instead of at start-up (through its CommonJS build, so the call
 * stays synchronous), for callers that cannot await: yaml and resvg (docx, only used from async
 * code, is a plain `await import`). With docx they cost about 0.1 s of every start, and most
 * processes render no document, parse no scenario and draw no picture in their first minutes.
 */
export function lazyPackage<T>(name: string): () => T {
  return () => require(name) as T;
}
