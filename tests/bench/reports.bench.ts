import { performance } from 'node:perf_hooks';
import { CHART_WIDTH, chartSvg } from '../../bot/features/reports/chart/chart';
import { svgToPng } from '../../bot/features/reports/chart/png';
import type { SituationReport } from '../../bot/features/reports/model';
import { renderCsv } from '../../bot/features/reports/render-csv';
import { renderDocx } from '../../bot/features/reports/render-docx';
import { renderMarkdown } from '../../bot/features/reports/render-markdown';
import { renderChatText } from '../../bot/features/reports/render-text';
import { fixtureReport, largeReport } from '../features/reports/fixture';

type Output = string | Uint8Array;

/** Median wall time of `runs` calls after two warm-up calls, and the size of what it made. */
async function measure(fn: () => Output | Promise<Output>, runs: number) {
  let size = 0;
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = await fn();
    times.push(performance.now() - start);
    size = typeof out === 'string' ? Buffer.byteLength(out) : out.byteLength;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, size };
}

/**
 * Rendering cost per format, against a baseline measured in the same run: JSON.stringify of the
 * same report for the text formats (one pass over the data), and rasterising a blank canvas of
 * the chart's size with the same fonts for the PNG (the fixed cost of resvg and font loading).
 */
export async function run(): Promise<void> {
  const cases: [string, SituationReport, number][] = [
    ['fixture: 5 units, 13 weeks', fixtureReport(), 30],
    ['1000 units, 52 weeks, 40 lines', largeReport(1000), 8],
  ];
  const rows: Record<string, string | number>[] = [];
  for (const [label, report, runs] of cases) {
    const json = await measure(() => JSON.stringify(report), runs);
    const svg = chartSvg(report, 'vi');
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const blank = `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}"><rect width="100%" height="100%" fill="#fff"/></svg>`;
    const canvas = await measure(() => svgToPng(blank), runs);
    const formats: [string, () => Output | Promise<Output>, { ms: number }, string][] = [
      ['chat text', () => renderChatText(report, 'vi'), json, 'JSON'],
      ['markdown', () => renderMarkdown(report, 'vi'), json, 'JSON'],
      ['csv', () => renderCsv(report, 'vi'), json, 'JSON'],
      ['docx', () => renderDocx(report, 'vi'), json, 'JSON'],
      ['chart png', () => svgToPng(chartSvg(report, 'vi')), canvas, 'blank PNG'],
    ];
    rows.push({
      report: label,
      format: 'baseline: JSON.stringify',
      'median ms': json.ms.toFixed(2),
      bytes: json.size,
      ratio: '',
    });
    rows.push({
      report: label,
      format: 'baseline: blank PNG, same size',
      'median ms': canvas.ms.toFixed(2),
      bytes: canvas.size,
      ratio: '',
    });
    for (const [format, fn, baseline, against] of formats) {
      const result = await measure(fn, runs);
      rows.push({
        report: label,
        format,
        'median ms': result.ms.toFixed(2),
        bytes: result.size,
        ratio: `${(result.ms / baseline.ms).toFixed(1)}× ${against}`,
      });
    }
  }
  console.table(rows);
}
