import { buttonCodec, readId } from '../../kernel/buttons';

export type UploadDecision = { action: 'apply' | 'cancel'; id: number };

/** "Áp dụng" / "Huỷ" under a plan: `scnup:a:12`, `scnup:x:12`. */
export const uploadButton = buttonCodec<UploadDecision>('scnup', {
  encode: ({ action, id }) => `${action === 'apply' ? 'a' : 'x'}:${id}`,
  decode: (payload) => {
    const [action, id] = payload.split(':');
    const value = readId(id);
    if (value === null || (action !== 'a' && action !== 'x') || payload.split(':').length !== 2) return null;
    return { action: action === 'a' ? 'apply' : 'cancel', id: value };
  },
});
