/** Tiny SVG writers: every piece of text is escaped, every number rounded. */

export const FONT_FAMILY = 'Noto Sans';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const r = (n: number) => Math.round(n * 10) / 10;

export interface TextOptions {
  size: number;
  weight?: 'normal' | 'bold';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
}

export function text(x: number, y: number, content: string, o: TextOptions): string {
  return (
    `<text x="${r(x)}" y="${r(y)}" font-size="${o.size}" font-weight="${o.weight ?? 'normal'}" ` +
    `fill="${o.fill ?? '#1c2430'}" text-anchor="${o.anchor ?? 'start'}">${escapeXml(content)}</text>`
  );
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 2): string {
  return `<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string, radius = 0): string {
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(width)}" height="${r(height)}" rx="${radius}" fill="${fill}"/>`;
}

export function circle(x: number, y: number, radius: number, fill: string, stroke = 'none'): string {
  return `<circle cx="${r(x)}" cy="${r(y)}" r="${radius}" fill="${fill}" stroke="${stroke}" stroke-width="3"/>`;
}

export function polyline(points: [number, number][], stroke: string, width: number): string {
  const list = points.map(([x, y]) => `${r(x)},${r(y)}`).join(' ');
  return `<polyline points="${list}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linejoin="round" stroke-linecap="round"/>`;
}

/**
 * Noto Sans averages a little over half an em per character in Vietnamese text; a slightly
 * generous estimate keeps labels inside their box without measuring glyphs.
 */
export function textWidth(content: string, size: number): number {
  return content.length * size * 0.56;
}

/** Cuts text with an ellipsis so it fits `width` at `size`. */
export function truncate(content: string, width: number, size: number): string {
  if (textWidth(content, size) <= width) return content;
  const chars = Math.max(1, Math.floor(width / (size * 0.56)) - 1);
  return `${content.slice(0, chars).trimEnd()}…`;
}
