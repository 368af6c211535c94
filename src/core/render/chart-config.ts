// What every report chart shares: the spec type, the Vega-Lite schema it
// follows and the look (fonts, sizes, legend layout). Pure.

/** A Vega-Lite 6 top-level spec, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Shared look: readable sizes, no chart border, the page's font. */
export const CONFIG = {
  font: FONT,
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  // Bottom legends stack (result sets, then published figures) instead of
  // sitting side by side, so a chart is no wider than its plot.
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360, titleLimit: 360, layout: { bottom: { anchor: 'start', direction: 'vertical', margin: 8 } } },
  title: { fontSize: 14, anchor: 'start', fontWeight: 'bold' },
};

