import { describe, expect, it } from 'vitest';
import * as hotspots from '../../../bot/features/hotspots/messages';

describe('the hot-spot messages', () => {
  it('exist in English for every Vietnamese key, with the same placeholders', () => {
    for (const [key, text] of Object.entries(hotspots.vi)) {
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(hotspots.en[key as keyof typeof hotspots.vi]), key).toEqual(placeholders(text));
    }
  });
});
