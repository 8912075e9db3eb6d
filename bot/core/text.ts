/** Splits long text at a line break when one is near the limit, like the chat apps do. */
export function splitText(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const newline = rest.lastIndexOf('\n', limit);
    const cut = newline > limit / 2 ? newline : limit;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest || chunks.length === 0) chunks.push(rest);
  return chunks;
}
