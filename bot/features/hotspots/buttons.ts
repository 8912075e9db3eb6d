import { buttonCodec, readId } from '../../kernel/buttons';

/** An alert's buttons: acknowledge the incident, or learn how to resolve it (a note is required). */
export const incidentButton = buttonCodec<{ action: 'ack' | 'resolve'; incidentId: number }>('inc', {
  encode: ({ action, incidentId }) => `${action === 'ack' ? 'a' : 'r'}:${incidentId}`,
  decode(payload) {
    const [action, id, ...rest] = payload.split(':');
    const incidentId = readId(id);
    if (rest.length > 0 || incidentId === null || (action !== 'a' && action !== 'r')) return null;
    return { action: action === 'a' ? 'ack' : 'resolve', incidentId };
  },
});
