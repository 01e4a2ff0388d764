// buildReport: runs -> index.html (tables, charts, provenance) + CSVs in outDir.
import * as fs from 'fs';
import * as path from 'path';
import { curveChart, curveKeys } from './charts/curves';
import type { ChartDef } from './charts/chart';
import { chartedPerImageIds, perImageChart } from './charts/per-image';
import { renderSvg } from './charts/render';
import { defaultTradeoffY, tradeoffChart } from './charts/tradeoff';
import { evalKey } from './convention';
import { prepareFigures, type ReportFigure } from './figures';
import { runsCsv, tableCsv } from './csv';
import { html, type SafeHtml } from './html/escape';
import { renderPage } from './html/page';
import { provenanceHtml, runsHtml } from './html/provenance';
import { tableHtml } from './html/table';
import { evalKeysIn } from './model/columns';
import { gatherProvenance } from './model/provenance';
import { admittedRuns, groupRows, type RowGroup } from './model/rows';
import { buildTable, tableSpecs, type ResultTable } from './model/table';
import { redactRun, redactUrl } from './redact';
import type { ReportRun } from './run';
import { parseSpec, type ReportSpec, type ReportSpecInput } from './spec';

export interface BuildReportOptions {
  runs: readonly ReportRun[];
  spec?: ReportSpec | ReportSpecInput;
  outDir: string;
  /** MLflow server URL for run links; credentials in it are dropped. */
  serverUrl?: string;
  /** Inline vega + vega-embed for interactive charts (default true); false gives static SVG only. */
  interactive?: boolean;
  /** A domain's own pictures and charts, shown in a Figures section (see ./figures.ts). */
  figures?: readonly ReportFigure[];
}

export interface BuildReportResult {
  indexHtml: string;
  csvFiles: string[];
  /** Size of index.html in bytes. */
  bytes: number;
  runs: number;
  tables: ResultTable[];
  charts: ChartDef[];
  warnings: string[];
  /** Milliseconds spent per stage. */
  timings: Record<string, number>;
}

/** How table numbers are made, stated once for captions and provenance. */
export function aggregationText(spec: ReportSpec): SafeHtml {
  return html`Each cell is the mean ± sample standard deviation (n − 1 in the denominator) over seeds (seed from <code>${spec.seed}</code>; one run per seed, the latest if a seed was run twice), with n the number of seeds. <strong>Bold</strong> is the best and <u>underlined</u> the second best of a column (↑ higher / ↓ lower is better), ranked on the printed precision, reference rows excluded. Δ is the row mean minus the baseline row mean, green when better. Only runs with status ${spec.statuses.join(', ')} are included.`;
}

function chartsFor(runs: readonly ReportRun[], groups: readonly RowGroup[], spec: ReportSpec): ChartDef[] {
  const charts: ChartDef[] = [];
  const rowOf = new Map<string, string>();
  for (const g of groups) for (const r of g.runs) rowOf.set(r.runId, g.label);
  const labels = groups.map((g) => g.label);
  const tagged = runs.map((run) => ({ run, row: rowOf.get(run.runId)! }));
  curveKeys(runs, spec).forEach((key, i) => {
    const c = curveChart(key, tagged, labels, spec, `curve-${i}`);
    if (c) charts.push(c);
  });
  const evalKeys = evalKeysIn(runs).map(evalKey);
  const y = spec.charts.tradeoff.y ?? defaultTradeoffY(groups, evalKeys);
  if (y) spec.charts.tradeoff.x.forEach((x, i) => {
    const c = tradeoffChart(x, y, groups, spec, `tradeoff-${i}`);
    if (c) charts.push(c);
  });
  const ids = chartedPerImageIds(runs.flatMap((r) => Object.keys(r.perImage ?? {})), spec.charts.perImage.max);
  ids.forEach((id, i) => {
    const c = perImageChart(id, groups, spec, `per-image-${i}`);
    if (c) charts.push(c);
  });
  return charts;
}

export async function buildReport(opts: BuildReportOptions): Promise<BuildReportResult> {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t0);
    t0 = now;
  };
  const spec = parseSpec(opts.spec ?? {});
  const serverUrl = opts.serverUrl ? redactUrl(opts.serverUrl) : undefined;
  const all = opts.runs.map(redactRun);
  const runs = admittedRuns(all, spec);
  const warnings: string[] = [];
  if (runs.length < all.length) warnings.push(`${all.length - runs.length} of ${all.length} runs left out: status not in ${spec.statuses.join(', ')}`);
  if (runs.length === 0) warnings.push('no runs to report');

  const groups = groupRows(runs, spec);
  warnings.push(...groups.warnings);
  const tables = tableSpecs(spec, runs).map((t) => buildTable(runs, spec, t, groups));
  if (!groups.baseline && groups.rows.length > 1) warnings.push(`no baseline row (tag ${'kdlab.baseline'}=true or spec.baseline); no Δ is shown`);
  lap('tables');

  const charts = chartsFor(runs, groups.rows, spec);
  const rendered: Array<{ def: ChartDef; svg: string }> = [];
  for (const def of charts) rendered.push({ def, svg: await renderSvg(def) });
  const figures = prepareFigures(opts.figures ?? []);
  const figureCharts: Array<{ def: ChartDef; svg: string }> = [];
  for (const def of figures.charts) figureCharts.push({ def, svg: await renderSvg(def) });
  lap('charts');

  const prov = gatherProvenance(runs);
  warnings.push(...prov.warnings);
  const aggregation = aggregationText(spec);
  const selection = prov.selections.map((s) => s.value).join(' / ') || 'not recorded';
  const csvFiles = [...tables.map((t) => `${t.id}.csv`), 'runs.csv'];
  const experiments = prov.experiments.map((e) => e.value).join(', ') || '(none)';
  const page = renderPage({
    title: spec.title ?? `${experiments}: results`,
    description: spec.description,
    lede: html`Experiment <strong>${experiments}</strong> · ${runs.length} runs · ${groups.rows.length} methods · checkpoint selection: <strong>${selection}</strong>`,
    warnings,
    tables: tables.map((t) =>
      tableHtml(
        t,
        html`<strong>${t.title}.</strong> Mean ± sample std over n seeds; <strong>bold</strong> best, <u>underlined</u> second${t.baseline ? html`; Δ against the baseline <em>${t.baseline}</em>` : ''}; checkpoint selection: ${selection}. <a href="#aggregation">How the numbers are made</a>.`,
      ),
    ),
    charts: rendered,
    figures: { images: figures.images, charts: figureCharts },
    provenance: provenanceHtml(prov, runs.length, aggregation, serverUrl),
    runs: runsHtml(groups.rows, spec.seed, serverUrl),
    csvFiles,
    interactive: opts.interactive ?? true,
  });
  lap('html');

  fs.mkdirSync(opts.outDir, { recursive: true });
  const indexHtml = path.join(opts.outDir, 'index.html');
  fs.writeFileSync(indexHtml, page);
  tables.forEach((t) => fs.writeFileSync(path.join(opts.outDir, `${t.id}.csv`), tableCsv(t)));
  fs.writeFileSync(path.join(opts.outDir, 'runs.csv'), runsCsv(groups.rows, spec.seed, serverUrl));
  lap('write');
  return {
    indexHtml,
    csvFiles: csvFiles.map((f) => path.join(opts.outDir, f)),
    bytes: Buffer.byteLength(page),
    runs: runs.length,
    tables,
    charts: [...charts, ...figures.charts],
    warnings,
    timings,
  };
}
