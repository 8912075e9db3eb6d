/**
 * Splits a long text into chunks a platform accepts: at a line break, else at a space, when one is
 * in the second half of the chunk; a word is cut only when it is longer than half the limit.
 */
export function splitText(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const breakAt = [rest.lastIndexOf('\n', limit), rest.lastIndexOf(' ', limit)].find((i) => i > limit / 2);
    const cut = breakAt ?? limit;
    chunks.push(rest.slice(0, cut));
    rest = breakAt === undefined ? rest.slice(cut) : rest.slice(cut + 1);
  }
  if (rest) chunks.push(rest);
  return chunks;
}
