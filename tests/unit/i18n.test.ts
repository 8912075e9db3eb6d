import { describe, expect, it } from 'vitest';
import { CATALOGUES, catalogues, translate } from '../../bot/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have every Vietnamese message in English with the same placeholders', () => {
    for (const [key, vi] of Object.entries(catalogues.vi)) {
      const en = catalogues.en[key as keyof typeof catalogues.en];
      expect(en, key).toBeTruthy();
      expect(placeholders(en), key).toEqual(placeholders(vi));
    }
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues.vi).sort());
  });

  it('share no key between two parts (composing them would silently replace one)', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [part, catalogue] of Object.entries(CATALOGUES)) {
      for (const key of Object.keys(catalogue.vi)) {
        const earlier = owner.get(key);
        if (earlier) clashes.push(`${key}: ${earlier} and ${part}`);
        owner.set(key, part);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('stores Vietnamese text in NFC', () => {
    for (const text of Object.values(catalogues.vi)) expect(text).toBe(text.normalize('NFC'));
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('vi', 'error.unknownUnit', { code: 'CB-X' })).toBe(
      'Không tìm thấy đơn vị có mã "CB-X".',
    );
    expect(translate('en', 'error.unknownUnit')).toBe('No unit has the code "{code}".');
  });
});
