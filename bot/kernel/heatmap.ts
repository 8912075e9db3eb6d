import { svgToPng } from './png';
import { FONT_FAMILY, rect, text, truncate } from './svg';

/**
 * The heat map picture both surveys (`/khaosat heatmap`) and reports draw: rows (units) down,
 * columns (questions) across, a colour from red (0) to green (1), a blank grey cell where nothing
 * may be shown, and a small triangle for the trend against the previous run. It draws only what it
 * is given: the callers decide, under the anonymity rules, which cells have a score.
 */

export type Trend = 'up' | 'down' | 'flat' | null;

export interface HeatCell {
  /** 0 (worst) … 1 (best); null when the cell is withheld (below k) or empty — drawn blank. */
  score: number | null;
  label: string;
  trend: Trend;
}

export interface HeatGrid {
  title: string;
  /** Short column heads ("Câu 1", "#12·3"). */
  columns: string[];
  rows: { label: string; cells: HeatCell[] }[];
  /** What a blank cell and the colours mean. */
  legend: string;
  /** Drawn with the three triangles when there was a previous run to compare with. */
  trendLegend?: string;
  /** One line per column under the grid: what it asks. */
  notes: string[];
}

/** A move of more than this (on the 0–1 score) is an arrow up or down; less is flat. */
export const TREND_STEP = 0.05;

export const TREND_ARROW: Record<Exclude<Trend, null>, string> = { up: '↑', down: '↓', flat: '→' };

export function trendBetween(score: number, before: number | undefined): Trend {
  if (before === undefined) return null;
  const delta = score - before;
  return delta > TREND_STEP ? 'up' : delta < -TREND_STEP ? 'down' : 'flat';
}

/** A cell as text (Markdown, Word, CSV): empty when blank, never a number. */
export function heatCellText(cell: HeatCell): string {
  if (cell.score === null) return '';
  return `${cell.label}${cell.trend ? ` ${TREND_ARROW[cell.trend]}` : ''}`;
}

/** A filled triangle (up, down) or a right-pointing one (flat), 16 px, centred on (x, y). */
function trendShape(x: number, y: number, trend: Exclude<Trend, null>): string {
  const points =
    trend === 'up'
      ? [
          [x - 8, y + 7],
          [x + 8, y + 7],
          [x, y - 8],
        ]
      : trend === 'down'
        ? [
            [x - 8, y - 7],
            [x + 8, y - 7],
            [x, y + 8],
          ]
        : [
            [x - 7, y - 8],
            [x - 7, y + 8],
            [x + 8, y],
          ];
  const fill = trend === 'up' ? '#1b7f3b' : trend === 'down' ? '#b3261e' : '#5f6b7a';
  return `<polygon points="${points.map(([px, py]) => `${px},${py}`).join(' ')}" fill="${fill}"/>`;
}

/** Red (0) through yellow to green (1). */
function colourOf(score: number): string {
  const s = Math.min(1, Math.max(0, score));
  return `hsl(${Math.round(s * 120)}, 60%, 72%)`;
}

export const HEAT_WIDTH = 1080;
const PAD = 40;
const ROW = 64;
const HEAD = 150;
const LABEL = 190;

/** The grid as SVG, 1080 wide. */
export function heatGridSvg(grid: HeatGrid): string {
  const columns = Math.max(1, grid.columns.length);
  const cellWidth = (HEAT_WIDTH - 2 * PAD - LABEL) / columns;
  const headSize = cellWidth < 70 ? 18 : 24;
  const height = HEAD + Math.max(1, grid.rows.length) * ROW + 130 + grid.notes.length * 32;
  const parts: string[] = [rect(0, 0, HEAT_WIDTH, height, '#ffffff')];
  parts.push(
    text(PAD, PAD + 30, truncate(grid.title, HEAT_WIDTH - 2 * PAD, 30), { size: 30, weight: 'bold' }),
  );
  grid.columns.forEach((column, i) => {
    const x = PAD + LABEL + i * cellWidth + cellWidth / 2;
    parts.push(
      text(x, HEAD - 20, truncate(column, cellWidth - 4, headSize), { size: headSize, anchor: 'middle' }),
    );
  });
  grid.rows.forEach((row, r) => {
    const y = HEAD + r * ROW;
    parts.push(text(PAD, y + ROW / 2 + 9, truncate(row.label, LABEL - 10, 26), { size: 26, weight: 'bold' }));
    row.cells.forEach((cell, c) => {
      const x = PAD + LABEL + c * cellWidth;
      if (cell.score === null) {
        parts.push(rect(x + 3, y + 3, cellWidth - 6, ROW - 6, '#f3f4f6', 6));
        return;
      }
      parts.push(rect(x + 3, y + 3, cellWidth - 6, ROW - 6, colourOf(cell.score), 6));
      // The shipped font has no arrows: a trend is a small drawn triangle right of the label.
      const shift = cell.trend ? 12 : 0;
      parts.push(
        text(x + cellWidth / 2 - shift, y + ROW / 2 + 8, truncate(cell.label, cellWidth - 40, 22), {
          size: 22,
          anchor: 'middle',
        }),
      );
      if (cell.trend) parts.push(trendShape(x + cellWidth - 22, y + ROW / 2, cell.trend));
    });
  });
  const footY = HEAD + Math.max(1, grid.rows.length) * ROW + 40;
  parts.push(
    text(PAD, footY, truncate(grid.legend, HEAT_WIDTH - 2 * PAD, 22), { size: 22, fill: '#5f6b7a' }),
  );
  grid.notes.forEach((note, i) => {
    parts.push(text(PAD, footY + 80 + i * 32, truncate(note, HEAT_WIDTH - 2 * PAD, 22), { size: 22 }));
  });
  if (grid.trendLegend) {
    parts.push(trendShape(PAD + 8, footY + 27, 'up'), trendShape(PAD + 30, footY + 27, 'down'));
    parts.push(trendShape(PAD + 52, footY + 27, 'flat'));
    parts.push(text(PAD + 70, footY + 34, grid.trendLegend, { size: 22, fill: '#5f6b7a' }));
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${HEAT_WIDTH}" height="${height}" viewBox="0 0 ${HEAT_WIDTH} ${height}" font-family="${FONT_FAMILY}">` +
    parts.join('') +
    '</svg>'
  );
}

export function heatGridPng(grid: HeatGrid): Uint8Array {
  return svgToPng(heatGridSvg(grid), HEAT_WIDTH);
}
