// One CSV per table, in long ("tidy") form: a line per row × column with the
// full-precision mean, std, n, Δ and rank, and the run ids behind the number.
// Written with papaparse; formula-looking strings are escaped for spreadsheets.
import Papa from 'papaparse';
import type { ResultTable } from './model/table';
import { readField } from './model/fields';
import type { RowGroup } from './model/rows';
import { TAG } from './convention';

const full = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toPrecision(12)));

export function tableCsv(t: ResultTable): string {
  const data = t.rows.flatMap((row) =>
    t.columns.map((col, j) => {
      const c = row.cells[j];
      return {
        method: row.label,
        role: row.isBaseline ? 'baseline' : row.isReference ? 'reference' : '',
        source_level: row.sourceLevel ?? '',
        metric_key: col.key,
        dataset: col.dataset ?? '',
        scale: col.scale ?? '',
        metric: col.metric,
        direction: col.direction,
        mean: full(c.stat?.mean),
        std: full(c.stat?.std),
        n: c.stat?.n ?? 0,
        delta_vs_baseline: full(c.delta),
        rank: c.rank ?? '',
        run_ids: c.runIds.join(' '),
      };
    }),
  );
  const fields = ['method', 'role', 'source_level', 'metric_key', 'dataset', 'scale', 'metric', 'direction', 'mean', 'std', 'n', 'delta_vs_baseline', 'rank', 'run_ids'];
  return Papa.unparse({ fields, data: data.map((d) => fields.map((f) => d[f as keyof typeof d])) }, { escapeFormulae: true, newline: '\n' }) + '\n';
}

/** Every run behind the report, one line each, with its provenance tags. */
export function runsCsv(groups: readonly RowGroup[], seedRef: string, serverUrl?: string): string {
  const fields = ['method', 'run_id', 'run_name', 'status', 'seed', 'start_time', 'git_commit', 'config_hash', 'selection', 'source_level', 'experiment', 'url'];
  const data = groups.flatMap((g) =>
    g.runs.map((r) => [
      g.label,
      r.runId,
      r.runName,
      r.status,
      readField(r, seedRef) ?? '',
      new Date(r.startTime).toISOString(),
      r.tags[TAG.gitCommit] ?? '',
      r.tags[TAG.configHash] ?? '',
      r.tags[TAG.selection] ?? '',
      r.tags[TAG.sourceLevel] ?? '',
      r.experimentName,
      serverUrl ? `${serverUrl.replace(/\/+$/, '')}/#/experiments/${r.experimentId}/runs/${r.runId}` : '',
    ]),
  );
  return Papa.unparse({ fields, data }, { escapeFormulae: true, newline: '\n' }) + '\n';
}
