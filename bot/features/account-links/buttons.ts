import { buttonCodec, readId } from '../../kernel/buttons';

/** Confirms or cancels linking this account; only the account that typed the code may. */
export const linkAccountButton = buttonCodec<{ confirm: boolean; codeId: number }>('la', {
  encode: ({ confirm, codeId }) => `${confirm ? 'y' : 'n'}:${codeId}`,
  decode(payload) {
    const [choice, id, ...rest] = payload.split(':');
    const codeId = readId(id);
    if (rest.length > 0 || codeId === null || (choice !== 'y' && choice !== 'n')) return null;
    return { confirm: choice === 'y', codeId };
  },
});
