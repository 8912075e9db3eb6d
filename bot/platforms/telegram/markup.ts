import { renderMarkup } from '../../kernel/markup';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Telegram's HTML parse mode; every character of the source is escaped. */
export function markupToHtml(source: string): string {
  return renderMarkup(source, {
    escape: escapeHtml,
    bold: (text) => `<b>${text}</b>`,
    italic: (text) => `<i>${text}</i>`,
    link: (text, url) => `<a href="${url.replace(/"/g, '&quot;')}">${text}</a>`,
  });
}
