import type { Locale } from '../../kernel/i18n';
import type { OutgoingMessage } from '../../kernel/types';
import { translate } from '../../messages';
import type { DirectiveRow } from './directives';

export type MessageKind = 'post' | 'reminder' | 'preview';

/** `ack:12` records an acknowledgement; `ack:p12` is the inert button of a preview. */
export const ACK_PREFIX = 'ack';

/**
 * The message a group sees: title, body (markup), source, the count of people in the group who
 * acknowledged (never their names), and the "Đã nắm" button when the directive asks for it.
 */
export function directiveMessage(
  directive: Pick<DirectiveRow, 'id' | 'title' | 'body' | 'source' | 'ack'>,
  locale: Locale,
  kind: MessageKind,
  ackCount = 0,
): OutgoingMessage {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(locale, key, params);
  const lines = [
    t(kind === 'reminder' ? 'directive.reminderHeader' : 'directive.header', { title: directive.title }),
    '',
    directive.body,
  ];
  if (directive.source) lines.push('', t('directive.source', { source: directive.source }));
  if (kind === 'reminder') lines.push('', t('directive.reminderNote'));
  if (directive.ack && ackCount > 0) lines.push('', t('directive.ackCount', { count: ackCount }));
  const data = `${ACK_PREFIX}:${kind === 'preview' ? 'p' : ''}${directive.id}`;
  return {
    text: lines.join('\n'),
    format: 'markup',
    buttons: directive.ack ? [[{ label: t('directive.ackButton'), data }]] : undefined,
  };
}
