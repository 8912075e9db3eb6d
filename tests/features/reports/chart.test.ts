import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CHART_WIDTH, chartSvg } from '../../../bot/features/reports/chart/chart';
import { CHART_FONT_FILES, renderChartPng } from '../../../bot/features/reports/chart/png';
import { NONE, WITHHELD } from '../../../bot/features/reports/model';
import { fixtureReport, largeReport } from './fixture';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Dark pixels of one glyph drawn alone with the shipped fonts only. */
function ink(glyph: string): { count: number; pixels: Buffer } {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="200"><rect width="160" height="200" fill="#fff"/><text x="30" y="150" font-family="Noto Sans" font-size="120">${glyph}</text></svg>`;
  const image = new Resvg(svg, {
    font: { fontFiles: CHART_FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'Noto Sans' },
  }).render();
  const pixels = image.pixels;
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 128) count++;
  return { count, pixels };
}

describe('renderChartPng', () => {
  it('renders a PNG 1080 pixels wide, taller than wide, and saves it for a person to look at', () => {
    const png = renderChartPng(fixtureReport(), 'vi');
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const { width, height } = pngSize(png);
    expect(width).toBe(CHART_WIDTH);
    expect(height).toBeGreaterThan(1200);
    expect(height).toBeLessThan(3000);
    expect(png.length).toBeGreaterThan(20_000);
    mkdirSync('tests/.artifacts', { recursive: true });
    writeFileSync('tests/.artifacts/report-chart.png', png);
  });

  it('ships its fonts and draws every Vietnamese letter, not the missing-glyph box', () => {
    for (const file of CHART_FONT_FILES) expect(existsSync(file)).toBe(true);
    const missing = ink('\uE000');
    for (const [letter, base] of [
      ['ă', 'a'],
      ['ơ', 'o'],
      ['ư', 'u'],
      ['đ', 'd'],
      ['ế', 'e'],
      ['ộ', 'o'],
      ['Đ', 'D'],
      ['ữ', 'u'],
      ['ỹ', 'y'],
    ] as const) {
      const drawn = ink(letter);
      expect(drawn.count, letter).toBeGreaterThan(ink(base).count);
      expect(drawn.pixels.equals(missing.pixels), letter).toBe(false);
    }
  });

  it('draws no point for a withheld cell: gaps in lines, and a unit withheld throughout only in the legend', () => {
    const svg = chartSvg(fixtureReport(), 'vi');
    // CTY and PX-KT1 unbroken; PX-DL and P-KT broken once each (withheld / no data); PX-CD never drawn.
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(svg.match(/<circle /g)).toHaveLength(13 + 13 + 11 + 12);
    expect(svg).toContain('Phân xưởng Cơ điện (PX-CD): không đủ số trả lời để giữ');
    expect(svg).toContain('Điểm trống: không đủ số trả lời để giữ ẩn danh');
  });

  it('labels the bars of hot spots per topic and leaves out topics with none', () => {
    const svg = chartSvg(fixtureReport(), 'vi');
    expect(svg).toContain('>Số điểm nóng theo chủ đề</text>');
    for (const topic of ['Tiền lương, thu nhập', 'An toàn lao động', 'Việc làm', 'Thiên tai, bão lũ']) {
      expect(svg).toContain(`>${topic}</text>`);
    }
    expect(svg).not.toContain('>Đời sống, nhà ở</text>');
  });

  it('says so when there is nothing to draw', () => {
    const report = fixtureReport();
    report.trend.series = report.trend.series.map((s) => ({ ...s, points: s.points.map(() => NONE) }));
    report.hotspots.topics = [];
    const svg = chartSvg(report, 'en');
    expect(svg).toContain('No mood figures in this period');
    expect(svg).toContain('No hot spots in this period');
    expect(svg).not.toContain('<polyline');
    expect([...renderChartPng(report, 'en').slice(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('keeps a large report legible: at most 8 lines and 10 bars, the rest counted', () => {
    const report = largeReport(300);
    report.trend.series[0]!.points[0] = WITHHELD;
    const svg = chartSvg(report, 'vi');
    expect(new Set(svg.match(/stroke="#[0-9A-Fa-f]{6}" stroke-width="6"/g)).size).toBe(8);
    expect(svg).toContain('… và 32 đơn vị khác');
    expect(svg).toContain('… và 4 chủ đề khác');
    expect(pngSize(renderChartPng(report, 'vi')).width).toBe(CHART_WIDTH);
  });
});
