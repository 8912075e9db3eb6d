import { createRequire } from 'node:module';
import { lazyPackage } from './lazy-package';
import { FONT_FAMILY } from './svg';

const require = createRequire(import.meta.url);
const resvg = lazyPackage<typeof import('@resvg/resvg-js')>('@resvg/resvg-js');

/**
 * Noto Sans (SIL OFL) from an npm package: it covers every Vietnamese letter, so a picture renders
 * the same on a server with no fonts installed. System fonts are never consulted.
 */
export const CHART_FONT_FILES = [
  require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
  require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
];

/** Pictures are 1080 pixels wide: sharp on a phone, small enough for every platform. */
export const PICTURE_WIDTH = 1080;

/** Rasterises an SVG with the shipped fonts only. */
export function svgToPng(svg: string, width = PICTURE_WIDTH): Uint8Array {
  const { Resvg } = resvg();
  const picture = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles: CHART_FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  return new Uint8Array(picture.render().asPng());
}
