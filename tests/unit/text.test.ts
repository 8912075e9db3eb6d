import { describe, expect, it } from 'vitest';
import { splitText } from '../../bot/kernel/text';

describe('splitText', () => {
  it('keeps short text whole, even empty', () => {
    expect(splitText('Xin chào', 10)).toEqual(['Xin chào']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('cuts at a line break near the limit, else at the limit, losing nothing', () => {
    const text = `${'a'.repeat(8)}\n${'b'.repeat(8)}\n${'c'.repeat(25)}`;
    const chunks = splitText(text, 12);
    expect(chunks.every((chunk) => chunk.length <= 12)).toBe(true);
    expect(chunks[0]).toBe('a'.repeat(8));
    expect(chunks.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
  });

  it('cuts between words when there is no line break, never inside a word that fits', () => {
    const text = Array(30).fill('nội dung').join(' ');
    const chunks = splitText(text, 50);
    expect(
      chunks.every((chunk) => chunk.length <= 50 && !chunk.startsWith(' ') && !chunk.endsWith(' ')),
    ).toBe(true);
    expect(
      chunks.flatMap((chunk) => chunk.split(' ')).every((word) => word === 'nội' || word === 'dung'),
    ).toBe(true);
    expect(chunks.join(' ')).toBe(text);
  });
});
