// Vega-Lite spec -> SVG text, headless: vega-lite compiles the spec to Vega,
// and a Vega View with the 'none' renderer draws it with toSVG() (no canvas,
// no DOM, no network). Both packages are heavy, so they load here, on first
// use, and only the report and nightly commands call this.

import type { VegaLiteSpec } from '../core/render/charts.js';

type VegaLite = typeof import('vega-lite');
type Vega = typeof import('vega');

let loaded: Promise<[VegaLite, Vega]> | undefined;

function load(): Promise<[VegaLite, Vega]> {
  loaded ??= Promise.all([import('vega-lite'), import('vega')]);
  return loaded;
}

/**
 * Renders one spec to standalone SVG text. The namespace declarations are
 * dropped: SVG inline in HTML needs none, and the page then holds no URL at
 * all.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vl, vega] = await load();
  // Warnings about a spec are for its author (the unit tests check the specs), not for a user's terminal.
  const compiled = vl.compile(spec as unknown as Parameters<VegaLite['compile']>[0], { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}
