import type { NumberedOption } from '../../../db/schema';
import type { OutgoingMessage } from '../../kernel/types';
import type { Translate } from '../../messages';

export interface NumberedRendering {
  text: string;
  /** The choices in the order they are numbered (1 is the first). */
  options: NumberedOption[];
}

/**
 * Renders a message's buttons as numbered choices for a platform without buttons. Buttons that
 * open a DM (`startPayload`) become an instruction to send /start with the token. In a `shared`
 * chat (a group, where a typed number is seen by everyone) an anonymous choice (`privately`) is not
 * numbered: the message says how to answer it in a DM instead.
 */
export function renderNumbered(
  message: OutgoingMessage,
  t: Translate,
  options_: { shared?: boolean } = {},
): NumberedRendering {
  const options: NumberedOption[] = [];
  const choiceLines: string[] = [];
  const linkLines: string[] = [];
  const privateTokens = new Set<string>();
  for (const button of (message.buttons ?? []).flat()) {
    if ('data' in button && button.privately && options_.shared) {
      if (!privateTokens.has(button.privately)) {
        privateTokens.add(button.privately);
        linkLines.push(t('numbered.privately', { token: button.privately }));
      }
    } else if ('data' in button) {
      options.push({ label: button.label, data: button.data });
      choiceLines.push(`${options.length}. ${button.label}`);
    } else {
      linkLines.push(t('numbered.startLink', { label: button.label, token: button.startPayload }));
    }
  }
  const parts = [message.text];
  if (choiceLines.length > 0) {
    parts.push([...choiceLines, t('numbered.hint', { max: options.length })].join('\n'));
  }
  if (linkLines.length > 0) parts.push(linkLines.join('\n'));
  return { text: parts.join('\n\n'), options };
}

/**
 * Folds a typed choice for comparison with a label: case, diacritics (đ too), punctuation and
 * emoji do not matter, so "ĐÃ NẮM", "da nam" and "✅ Đã nắm" are the same choice.
 */
export function foldChoice(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
