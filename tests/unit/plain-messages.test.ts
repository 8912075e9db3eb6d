import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createFeature } from '../../bot/features/feedback';
import { catalogues } from '../../bot/messages';
import type { Deps } from '../../bot/runtime/deps';

// Chat messages go to workers and leaders: no operator setting (an environment variable) belongs in
// one. The settings are for logs and docs.
const SETTINGS = [
  ...readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').matchAll(
    /^#? ?([A-Z][A-Z0-9_]+)=/gm,
  ),
].map((m) => m[1]!);

describe('chat messages speak plain words', () => {
  it('no message in any language names an operator setting', () => {
    expect(SETTINGS).toContain('PULSE_SECRET');
    const found = Object.entries(catalogues).flatMap(([locale, catalogue]) =>
      Object.entries(catalogue).flatMap(([key, text]) =>
        SETTINGS.filter((setting) =>
          new RegExp(`(?<![A-Za-z0-9_])${setting}(?![A-Za-z0-9_])`).test(text),
        ).map((setting) => `${locale} ${key}: ${setting}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('the operator learns at start that two-way replies are off, and which setting turns them on', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    await createFeature().start?.({ config: { secret: undefined }, logger } as unknown as Deps);
    expect(lines.join('')).toContain('PULSE_SECRET is not set');
    lines.length = 0;
    await createFeature().start?.({ config: { secret: 'x'.repeat(32) }, logger } as unknown as Deps);
    expect(lines).toEqual([]);
  });
});
