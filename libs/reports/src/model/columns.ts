// Table columns: dataset × scale × metric from `eval/...` keys, then the
// row-level extras (model size). Which metrics exist is read from the runs.
import { defaultDecimals, defaultDirection, evalKey, METRIC, parseEvalKey, type EvalKey } from '../convention';
import type { ReportRun } from '../run';
import type { ReportSpec, TableSpec } from '../spec';

export interface Column {
  key: string;
  kind: 'eval' | 'extra';
  dataset?: string;
  scale?: number;
  metric: string;
  direction: 'higher' | 'lower';
  decimals: number;
  /** `si` prints 1.52M / 3.1G (model size); `fixed` prints the decimals. */
  format: 'fixed' | 'si';
  ranked: boolean;
}

// The order SR papers list test sets in; others follow alphabetically.
const DATASET_ORDER = ['Set5', 'Set14', 'B100', 'BSD100', 'Urban100', 'Manga109', 'DIV2K'];
const datasetRank = (d: string) => {
  const i = DATASET_ORDER.indexOf(d);
  return i < 0 ? DATASET_ORDER.length : i;
};

export function evalKeysIn(runs: readonly ReportRun[]): EvalKey[] {
  const seen = new Map<string, EvalKey>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) {
    const k = parseEvalKey(key);
    if (k) seen.set(key, k);
  }
  return [...seen.values()];
}

export function sortDatasets(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => datasetRank(a) - datasetRank(b) || a.localeCompare(b));
}

function column(spec: ReportSpec, key: string, kind: Column['kind'], metric: string, k?: EvalKey): Column {
  const extra = kind === 'extra';
  const isSize = key === METRIC.params || key === METRIC.flops;
  return {
    key,
    kind,
    dataset: k?.dataset,
    scale: k?.scale,
    metric,
    direction: spec.directions[key] ?? spec.directions[metric] ?? defaultDirection(metric),
    decimals: spec.decimals[key] ?? spec.decimals[metric] ?? (isSize ? 2 : defaultDecimals(metric)),
    format: isSize ? 'si' : 'fixed',
    ranked: !extra,
  };
}

/** Columns of one table; eval columns no run logged are left out unless the spec names the dataset/scale. */
export function tableColumns(runs: readonly ReportRun[], spec: ReportSpec, table: TableSpec): Column[] {
  const found = evalKeysIn(runs);
  const present = new Set(found.map(evalKey));
  const datasets = table.datasets ?? sortDatasets(found.map((k) => k.dataset));
  const scales: Array<number | undefined> = table.scales ?? [...new Set(found.map((k) => k.scale))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const explicit = Boolean(table.datasets && table.scales);
  const cols: Column[] = [];
  const metrics = table.metrics ?? defaultMetrics(found);
  for (const scale of scales) for (const dataset of datasets) for (const metric of metrics) {
    const k = { dataset, scale, metric };
    const key = evalKey(k);
    if (explicit || present.has(key)) cols.push(column(spec, key, 'eval', metric, k));
  }
  if (found.length === 0) cols.push(...genericColumns(runs, spec));
  for (const key of table.extras) if (runs.some((r) => Number.isFinite(r.metrics[key]))) cols.push(column(spec, key, 'extra', key.split('/').pop()!));
  return cols;
}

const METRIC_ORDER = ['psnr', 'ssim', 'lpips', 'top1', 'top5'];

/** Metrics found in eval keys: the usual paper columns first, then alphabetical. */
function defaultMetrics(found: EvalKey[]): string[] {
  const rank = (m: string) => (METRIC_ORDER.includes(m) ? METRIC_ORDER.indexOf(m) : METRIC_ORDER.length);
  return [...new Set(found.map((k) => k.metric))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Runs that follow no `eval/` naming (other domains): every final metric except curves and model size, at most 12. */
function genericColumns(runs: readonly ReportRun[], spec: ReportSpec): Column[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) if (!k.startsWith(METRIC.trainPrefix) && !k.startsWith('model/')) keys.add(k);
  return [...keys].sort().slice(0, 12).map((k) => column(spec, k, 'eval', k));
}
