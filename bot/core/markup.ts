/**
 * The tiny markup of directive bodies, rendered by each platform: `**bold**`, `_italic_`,
 * `[text](https://…)` links, and lines starting with `- ` as bullets. Anything else is literal
 * text, so a stray `*` or `<` is shown as typed.
 */
export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'italic'; text: string }
  | { kind: 'link'; text: string; url: string };

export interface MarkupLine {
  bullet: boolean;
  spans: Span[];
}

const INLINE =
  /\*\*(?<bold>[^*\n]+?)\*\*|(?<![\p{L}\p{N}_])_(?<italic>[^_\n]+?)_(?![\p{L}\p{N}_])|\[(?<label>[^\]\n]+)\]\((?<url>https?:\/\/[^\s)]+)\)/gu;

export function parseMarkup(source: string): MarkupLine[] {
  return source.split('\n').map((raw) => {
    const bullet = /^\s*[-•]\s+/.exec(raw);
    return { bullet: bullet !== null, spans: parseInline(bullet ? raw.slice(bullet[0].length) : raw) };
  });
}

function parseInline(line: string): Span[] {
  const spans: Span[] = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    const groups = match.groups!;
    if (match.index > last) spans.push({ kind: 'text', text: line.slice(last, match.index) });
    if (groups.bold !== undefined) spans.push({ kind: 'bold', text: groups.bold });
    else if (groups.italic !== undefined) spans.push({ kind: 'italic', text: groups.italic });
    else spans.push({ kind: 'link', text: groups.label!, url: groups.url! });
    last = match.index + match[0].length;
  }
  if (last < line.length) spans.push({ kind: 'text', text: line.slice(last) });
  return spans;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Telegram's HTML parse mode; every character of the source is escaped. */
export function markupToHtml(source: string): string {
  return parseMarkup(source)
    .map(({ bullet, spans }) => {
      const body = spans
        .map((span) => {
          const text = escapeHtml(span.text);
          if (span.kind === 'bold') return `<b>${text}</b>`;
          if (span.kind === 'italic') return `<i>${text}</i>`;
          if (span.kind === 'link')
            return `<a href="${escapeHtml(span.url).replace(/"/g, '&quot;')}">${text}</a>`;
          return text;
        })
        .join('');
      return bullet ? `• ${body}` : body;
    })
    .join('\n');
}

/** For platforms without formatting: markers dropped, links as "text (url)". */
export function markupToPlain(source: string): string {
  return parseMarkup(source)
    .map(({ bullet, spans }) => {
      const body = spans.map((s) => (s.kind === 'link' ? `${s.text} (${s.url})` : s.text)).join('');
      return bullet ? `• ${body}` : body;
    })
    .join('\n');
}
