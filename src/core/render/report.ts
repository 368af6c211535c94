// Public surface of report rendering (hpcrun report, and nightly's report):
// chart specs, the HTML page and the Markdown summary. Pure. SVG rendering of
// the specs lives outside core, in src/report/svg.ts (it loads vega).

export { VEGA_LITE_SCHEMA, decadeTicks, heatmapSpec, sizeChartSpec, sizeTicks, trendChartSpec, type HeatmapInput, type ReferenceMark, type SizeChartInput, type SizePoint, type TrendPoint, type VegaLiteSpec } from './charts.js';
export { reportCharts, type ReportCharts } from './report-charts.js';
export { escapeHtml, renderReportHtml, type ReportFigure, type ReportHtmlInput, type ReportSection, type ReportSet } from './report-html.js';
export { mdCell, renderReportMarkdown, type ReportMarkdownInput } from './report-md.js';
export { figureText, formatFigure, metricName, pairClassText, ratioText, testText, TEST_RULE, verdictText } from './report-table.js';
