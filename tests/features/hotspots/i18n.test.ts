import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as hotspots from '../../../bot/features/hotspots/messages';

const CATALOGUES = fileURLToPath(new URL('../../bot/i18n/catalogues/', import.meta.url));

describe('the hot-spot messages', () => {
  it('share no key with another feature’s catalogue (a spread would silently replace one)', async () => {
    const ours = new Set(Object.keys(hotspots.vi));
    const clashes: string[] = [];
    for (const file of readdirSync(CATALOGUES).filter((f) => f.endsWith('.ts') && f !== 'hotspots.ts')) {
      const other = (await import(`${CATALOGUES}${file}`)) as { vi: Record<string, string> };
      for (const key of Object.keys(other.vi)) if (ours.has(key)) clashes.push(`${file}: ${key}`);
    }
    expect(clashes).toEqual([]);
  });

  it('exist in English for every Vietnamese key, with the same placeholders', () => {
    for (const [key, text] of Object.entries(hotspots.vi)) {
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(hotspots.en[key as keyof typeof hotspots.vi]), key).toEqual(placeholders(text));
    }
  });
});
