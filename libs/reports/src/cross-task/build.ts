// buildCrossTaskReport: the study's observations -> reports/<study>/index.html (matrix, summary, skipped
// cells with reasons, rank-agreement heat map, provenance, runs) + matrix.csv (every cell) + kendall.csv.
import * as fs from 'fs';
import * as path from 'path';
import { renderSvg } from '../charts/render';
import { html } from '../html/escape';
import { renderPage } from '../html/page';
import { provenanceHtml, runsHtml } from '../html/provenance';
import { gatherProvenance } from '../model/provenance';
import type { RowGroup } from '../model/rows';
import { redactRun, redactUrl } from '../redact';
import { matrixChart, tauChart } from './charts';
import { matrixCsv, tauCsv } from './csv';
import { buildMatrix, type CrossTaskMatrix } from './matrix';
import type { CrossTaskInput } from './model';
import { lossLabeller, matrixHtml, skipsHtml, summaryHtml } from './tables';

export interface CrossTaskReportResult {
  indexHtml: string;
  matrixCsv: string;
  tauCsv: string;
  matrix: CrossTaskMatrix;
  warnings: string[];
}

function runGroups(input: CrossTaskInput): RowGroup[] {
  const label = lossLabeller(input);
  const groups = new Map<string, RowGroup>();
  for (const o of input.observations) {
    const d = input.domains.find((x) => x.id === o.domain)?.label ?? o.domain;
    const key = `${d} · ${o.loss === null ? 'student alone' : label(o.loss)}`;
    const g = groups.get(key) ?? { label: key, runs: [], isBaseline: o.loss === null, isReference: false };
    g.runs.push(o.run);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export async function buildCrossTaskReport(input: CrossTaskInput, outDir: string): Promise<CrossTaskReportResult> {
  const safeInput: CrossTaskInput = { ...input, observations: input.observations.map((o) => ({ ...o, run: redactRun(o.run) })) };
  const serverUrl = input.serverUrl ? redactUrl(input.serverUrl) : undefined;
  const matrix = buildMatrix(safeInput);
  const warnings: string[] = [];
  const missing = matrix.cells.filter((c) => c.state === 'missing');
  if (missing.length) warnings.push(`${missing.length} cell(s) have no finished run yet (shown as —); re-run the study command to fill them.`);
  if (input.pending.length) warnings.push(`${input.pending.length} planned run(s) had not finished when this report was written.`);
  const charts = [matrixChart(matrix, safeInput, lossLabeller(safeInput)), tauChart(matrix, safeInput)];
  const rendered = [];
  for (const def of charts) rendered.push({ def, svg: await renderSvg(def) });
  const runs = safeInput.observations.map((o) => o.run);
  const prov = gatherProvenance(runs);
  warnings.push(...prov.warnings);
  const aggregation = html`Per cell: the metric after the last training step of each run, mean and sample standard deviation (n − 1) over seeds, one run per seed (the latest if a seed ran twice). Change = mean with the loss − mean of the student alone, signed so that + is better (metrics where lower is better are flipped); σ = the student alone's sample std over its seeds. Kendall's τ-b between two domains ranks the losses measured in both by their change.`;
  const page = renderPage({
    title: input.title,
    description: input.description,
    lede: html`Profile <strong>${input.profile}</strong> · ${input.domains.length} domains · ${input.losses.length} losses · ${runs.length} finished runs · checkpoint: last step`,
    warnings,
    tables: [
      html`<h3>Weight rule</h3><p>${input.weightRule}</p>`,
      matrixHtml(matrix, safeInput),
      html`<h3>Summary</h3>${summaryHtml(matrix, safeInput)}`,
      html`<h3>Skipped cells</h3>${skipsHtml(safeInput)}`,
    ],
    charts: rendered,
    provenance: html`<dl class="facts"><dt>produced by</dt><dd><code>${input.command}</code></dd></dl>${provenanceHtml(prov, runs.length, aggregation, serverUrl)}`,
    runs: runsHtml(runGroups(safeInput), 'param:seed', serverUrl),
    csvFiles: ['matrix.csv', 'kendall.csv'],
    interactive: true,
  });
  fs.mkdirSync(outDir, { recursive: true });
  const indexHtml = path.join(outDir, 'index.html');
  fs.writeFileSync(indexHtml, page);
  const mCsv = path.join(outDir, 'matrix.csv');
  fs.writeFileSync(mCsv, matrixCsv(matrix, safeInput));
  const tCsv = path.join(outDir, 'kendall.csv');
  fs.writeFileSync(tCsv, tauCsv(matrix));
  return { indexHtml, matrixCsv: mCsv, tauCsv: tCsv, matrix, warnings };
}
