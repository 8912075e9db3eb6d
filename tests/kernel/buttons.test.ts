import { describe, expect, it } from 'vitest';
import { incidentButton } from '../../bot/features/hotspots/buttons';
import { buttonCodec, readId } from '../../bot/kernel/buttons';

describe('button codecs', () => {
  it('read back exactly what they built', () => {
    const data = incidentButton.data({ action: 'ack', incidentId: 42 });
    expect(data).toBe('inc:a:42');
    const payload = data.slice(incidentButton.prefix.length + 1);
    expect(incidentButton.read(payload)).toEqual({ action: 'ack', incidentId: 42 });
  });

  it('refuse what a stale, forged or foreign button may carry', () => {
    for (const payload of [
      '',
      'a',
      'a:',
      'x:1',
      'a:-1',
      'a:01',
      'a:1e3',
      'a:1:2',
      'a:0x10',
      'r: 1',
      'a:99999999999999999',
    ])
      expect(incidentButton.read(payload), payload).toBeNull();
  });

  it('refuse to build data over Telegram’s 64 bytes', () => {
    const long = buttonCodec<string>('t', { encode: (v) => v, decode: (p) => p });
    expect(long.data('x'.repeat(62))).toHaveLength(64);
    expect(() => long.data('x'.repeat(63))).toThrow(/64 bytes/);
  });

  it('read ids as plain decimal only', () => {
    expect(readId('17')).toBe(17);
    expect(readId('0')).toBeNull();
    expect(readId('1.5')).toBeNull();
    expect(readId(undefined)).toBeNull();
  });
});
