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

/** How one platform writes each kind of span; `escape` is applied to every piece of source text. */
export interface MarkupStyle {
  escape(text: string): string;
  bold(text: string): string;
  italic(text: string): string;
  link(text: string, url: string): string;
}

/** Renders the markup in a platform's style; bullets become "• ". */
export function renderMarkup(source: string, style: MarkupStyle): string {
  return parseMarkup(source)
    .map(({ bullet, spans }) => {
      const body = spans
        .map((span) => {
          const text = style.escape(span.text);
          if (span.kind === 'bold') return style.bold(text);
          if (span.kind === 'italic') return style.italic(text);
          if (span.kind === 'link') return style.link(text, style.escape(span.url));
          return text;
        })
        .join('');
      return bullet ? `• ${body}` : body;
    })
    .join('\n');
}

/** For platforms without formatting: markers dropped, links as "text (url)". */
export function markupToPlain(source: string): string {
  return renderMarkup(source, {
    escape: (text) => text,
    bold: (text) => text,
    italic: (text) => text,
    link: (text, url) => `${text} (${url})`,
  });
}

/** The text a platform without formatting shows for a message. */
export function plainTextOf(message: { text: string; format?: 'plain' | 'markup' }): string {
  return message.format === 'markup' ? markupToPlain(message.text) : message.text;
}
