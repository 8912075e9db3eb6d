import { buttonCodec, readId } from '../../kernel/buttons';

export type ReportPress =
  | { action: 'write'; requestId: number; unitId: number }
  | { action: 'edit'; id: number; n: number }
  | { action: 'mood'; id: number; n: number }
  | { action: 'send'; id: number };

/** Every button of a situation report: `sr:w:REQ:UNIT`, `sr:e:SUB:N`, `sr:m:SUB:N`, `sr:s:SUB`. */
export const reportButton = buttonCodec<ReportPress>('sr', {
  encode(press) {
    switch (press.action) {
      case 'write':
        return `w:${press.requestId}:${press.unitId}`;
      case 'edit':
        return `e:${press.id}:${press.n}`;
      case 'mood':
        return `m:${press.id}:${press.n}`;
      case 'send':
        return `s:${press.id}`;
    }
  },
  decode(payload) {
    const [action, a, b, ...rest] = payload.split(':');
    if (rest.length > 0) return null;
    const x = readId(a);
    if (x === null) return null;
    if (action === 's') return b === undefined ? { action: 'send', id: x } : null;
    const y = readId(b);
    if (y === null) return null;
    if (action === 'w') return { action: 'write', requestId: x, unitId: y };
    if (action === 'e' && y <= 20) return { action: 'edit', id: x, n: y };
    if (action === 'm' && y <= 5) return { action: 'mood', id: x, n: y };
    return null;
  },
});
