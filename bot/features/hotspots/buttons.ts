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

export type Verdict = 'hot' | 'false_alarm';

/** A leader's verdict on an alert: "Đúng là điểm nóng" (hot) or "Báo nhầm" (false alarm); changeable. */
export const verdictButton = buttonCodec<{ verdict: Verdict; incidentId: number }>('hv', {
  encode: ({ verdict, incidentId }) => `${verdict === 'hot' ? 'h' : 'f'}:${incidentId}`,
  decode(payload) {
    const [verdict, id, ...rest] = payload.split(':');
    const incidentId = readId(id);
    if (rest.length > 0 || incidentId === null || (verdict !== 'h' && verdict !== 'f')) return null;
    return { verdict: verdict === 'h' ? 'hot' : 'false_alarm', incidentId };
  },
});
