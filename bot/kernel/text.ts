/**
 * Splits long text like the chat apps do: at a line break near the limit, else at a space, and
 * inside a word only when no break is in the second half of the chunk. The break itself is dropped.
 */
export function splitText(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const breakAt = [rest.lastIndexOf('\n', limit), rest.lastIndexOf(' ', limit)].find((i) => i > limit / 2);
    chunks.push(rest.slice(0, breakAt ?? limit));
    rest = breakAt === undefined ? rest.slice(limit) : rest.slice(breakAt + 1);
  }
  if (rest || chunks.length === 0) chunks.push(rest);
  return chunks;
}
