import { describe, expect, it } from 'vitest';
import { compareSets, latencyMatrix } from '../../src/core/analysis/index.js';
import { decadeTicks, heatmapSpec, renderReportHtml, renderReportMarkdown, reportCharts, sizeChartSpec, sizeTicks, trendChartSpec, type VegaLiteSpec } from '../../src/core/render/report.js';
import { renderSvg } from '../../src/report/svg.js';
import { importedRow, resultSet, sampleRow, spread } from '../helpers/result-sets.js';

type Layer = { mark: { type: string; strokeDash?: number[] }; encoding: Record<string, { scale?: { type?: string; domain?: unknown }; field?: string }>; data?: unknown };

const onprem = resultSet('onprem', [sampleRow('latency', 8, spread(5)), sampleRow('latency', 1024, spread(8)), sampleRow('bw', 8, spread(2)), sampleRow('bw', 1048576, spread(1000))]);
const cloud = resultSet('cloud | gce', [importedRow('latency', 8, { mean: 31.7 }, ['a', 'b']), importedRow('latency', 1024, { mean: 40 }, ['a', 'b']), importedRow('bw', 1048576, { mean: 977 }, ['a', 'b'])], ['a', 'b']);
const sets = [
  { label: 'on-prem', set: onprem },
  { label: 'cloud | gce', set: cloud },
];

describe('chart specs', () => {
  it('latency against size: log–log, one line per set, CI whiskers, every label in the legend, dashed references', () => {
    const spec = sizeChartSpec({
      title: 'Latency',
      yTitle: 'median latency, µs',
      labels: ['a', 'b', 'never drawn'],
      points: [
        { label: 'a', bytes: 8, median: 5, ciLow: 4.5, ciHigh: 5.5 },
        { label: 'b', bytes: 8, median: 30, ciLow: null, ciHigh: null },
        { label: 'b', bytes: 0, median: 29, ciLow: null, ciHigh: null },
      ],
      references: [{ label: 'GCE (2024)', bytes: 8, value: 31.7 }],
    });
    const layers = spec.layer as Layer[];
    expect(layers.map((l) => l.mark.type)).toEqual(['line', 'rule', 'rule', 'point']);
    const [line, whisker, reference, marker] = layers as [Layer, Layer, Layer, Layer];
    expect(line.encoding.x?.scale?.type).toBe('log');
    expect(line.encoding.y?.scale?.type).toBe('log');
    expect(line.encoding.color?.scale?.domain).toEqual(['a', 'b', 'never drawn']);
    expect(whisker.encoding.y?.field).toBe('ciLow');
    expect(whisker.encoding.y2?.field).toBe('ciHigh');
    expect(reference.mark.strokeDash).toEqual([6, 4]);
    expect(marker.encoding.shape?.scale?.domain).toEqual(['GCE (2024)']);
    // 0 B cannot sit on a log axis: left out.
    expect((spec.data as { values: { bytes: number }[] }).values.map((v) => v.bytes)).toEqual([8, 8]);
  });

  it.each([
    [[8, 1024, 65536, 1048576], [8, 1024, 65536, 1048576]],
    [[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], [1, 4, 16, 64, 256, 1024]],
    [Array.from({ length: 23 }, (_, i) => 2 ** i), [4, 64, 1024, 16384, 262144, 4194304]],
  ])('size ticks for %j are %j', (sizes, ticks) => {
    expect(sizeTicks(sizes)).toEqual(ticks);
  });

  it.each([
    [[1.6, 31.7, 2565], [1, 10, 100, 1000, 10000]],
    [[5, 9], [1, 2, 5, 10]],
    [[0.02, 0.5], [0.01, 0.1, 1]],
    [[0, -1], []],
  ])('log value ticks for %j are %j', (values, ticks) => {
    expect(decadeTicks(values)).toEqual(ticks);
  });

  it('heatmap: both triangles, slow links outlined and labelled', () => {
    const hosts: [string, string][] = [['n1', 'n2'], ['n1', 'n3'], ['n1', 'n4'], ['n2', 'n3'], ['n2', 'n4'], ['n3', 'n4']];
    const set = resultSet('all', hosts.map((p, i) => sampleRow('latency', 8, spread(i === 5 ? 50 : 5 + i / 10, 10, 0.01), p)), ['n1', 'n2', 'n3', 'n4']);
    const spec = heatmapSpec({ title: 't', matrix: latencyMatrix(set) as NonNullable<ReturnType<typeof latencyMatrix>> });
    const values = (spec.data as { values: { a: string; b: string; slow: boolean }[] }).values;
    expect(values).toHaveLength(12);
    expect(values.filter((v) => v.slow).map((v) => `${v.a}-${v.b}`)).toEqual(['n3-n4', 'n4-n3']);
    const layers = spec.layer as Layer[];
    expect(layers[0]?.mark.type).toBe('rect');
    expect(JSON.stringify(layers)).toContain('"text":{"value":"slow"}');
  });

  it('trend chart: one panel per metric, independent y, the current run highlighted', () => {
    const spec = trendChartSpec([
      { metric: 'latency 8 B (µs)', date: '2026-01-01', median: 5 },
      { metric: 'latency 8 B (µs)', date: '2026-01-02', median: 5.2, ciLow: 5, ciHigh: 5.4, current: true },
      { metric: 'bw 1 MiB (MB/s)', date: '2026-01-02', median: 900, current: true },
    ]);
    expect(spec.facet).toMatchObject({ row: { field: 'metric' } });
    expect(spec.resolve).toEqual({ scale: { y: 'independent' } });
    const values = (spec.data as { values: { run: string }[] }).values;
    expect(values.map((v) => v.run)).toEqual(['earlier runs', 'this run', 'this run']);
  });

  it('the report charts of two sets stay as committed (golden)', async () => {
    const charts = reportCharts(sets, [{ system: 'GCE', category: 'compute-engine', kind: 'latency', bytes: 8, value: 31.7, unit: 'us', statistic: 'median', source: 'test', date: '2024-09-16' }]);
    await expect(`${JSON.stringify(charts.latency, null, 2)}\n`).toMatchFileSnapshot('../fixtures/report/golden-latency-spec.json');
    expect(charts.heatmaps).toEqual([]);
  });
});

describe('SVG, HTML and Markdown', () => {
  it('renders specs to SVG with log axes, and the HTML holds no URL, script, link or external reference', async () => {
    const charts = reportCharts(sets);
    const latency = await renderSvg(charts.latency);
    expect(latency).toMatch(/^<svg /);
    expect(latency).toMatch(/aria-label="X-axis[^"]*for a log scale/);
    const html = renderReportHtml({
      title: 'hpcrun report: on-prem vs cloud',
      generated: '2026-01-01T00:00:00.000Z',
      version: '0.1.0',
      charts: [{ svg: latency }, { svg: await renderSvg(charts.bandwidth) }],
      comparison: compareSets(sets),
      sets: sets.map((s) => ({ label: s.label, file: `${s.label}.json`, metadata: s.set.metadata })),
      sections: [{ title: 'Trends <b>', text: 'a & b', figures: [{ svg: '<svg></svg>', caption: 'c' }] }],
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const forbidden of [/https?:/i, /src=/i, /href=/i, /<script/i, /<link/i, /@import/i, /url\(/i, /@font-face/i]) expect(html).not.toMatch(forbidden);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expect(html).toContain('<h2>Trends &lt;b&gt;</h2>');
    expect(html).toContain('no samples: CI overlap not testable');
    expect(html).toContain('cloud | gce');
  }, 60_000);

  it('Markdown: a GitHub table of the comparison with a link line to the HTML', () => {
    const md = renderReportMarkdown({ title: 'hpcrun report: on-prem vs cloud', comparison: compareSets(sets), htmlLink: 'report 1.html' });
    const lines = md.split('\n');
    expect(lines[0]).toBe('## hpcrun report: on-prem vs cloud');
    expect(lines).toContain('| metric | pairs | on-prem (baseline) | cloud \\| gce |');
    expect(lines).toContain('| latency 8 B (µs) | first pair | 5 [4.83, 5.19] | 31.7 (mean) **not tested, ×6.34** (no samples: CI overlap not testable) |');
    expect(md).toContain('[report 1.html](report%201.html)');
    expect(md.length).toBeLessThan(2000);
  });

  it('Markdown: rows beyond maxRows are counted, not shown', () => {
    const md = renderReportMarkdown({ title: 't', comparison: compareSets(sets), htmlLink: 'r.html', maxRows: 1 });
    expect(md).toContain('2 more rows in the HTML report.');
  });
});

export type { VegaLiteSpec };
