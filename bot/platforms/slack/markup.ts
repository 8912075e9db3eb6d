import { renderMarkup } from '../../kernel/markup';

/** Slack's text is markup: &, < and > are escaped so user text cannot mention @channel or fake links. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's mrkdwn; every character of the source is escaped, so no @channel or fake link gets through. */
export function markupToSlack(source: string): string {
  return renderMarkup(source, {
    escape: escapeSlackText,
    bold: (text) => `*${text}*`,
    italic: (text) => `_${text}_`,
    link: (text, url) => `<${url.replace(/\|/g, '%7C')}|${text}>`,
  });
}
