// Loads runs + metric histories + per-image files for an experiment from a
// tracking store or URI. The one adapter between @kdlab/tracking and reports.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { METRIC, parseEvalKey, perImageArtifact, perImageId } from './convention';
import type { MetricPoint, PerImageFile, ReportRun } from './run';
import { buildReport, type BuildReportResult } from './build';
import type { ReportFigure } from './figures';
import { chartedPerImageIds } from './charts/per-image';
import { parseSpec, type ReportSpec, type ReportSpecInput } from './spec';

/** What reports need from a tracker. */
export interface RunSource {
  readonly uiBaseUrl?: string;
  /** Where the runs come from, without credentials (for messages). */
  readonly describe: string;
  searchRuns(opts: { experiment: string; filter?: string; maxResults?: number }): Promise<ReportRun[]>;
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Resolves to the local path of the downloaded file; rejects when the run has no such artifact. */
  downloadArtifact(runId: string, artifactPath: string, destDir: string): Promise<string>;
}

export interface LoadRunsOptions {
  experiment: string;
  filter?: string;
  spec?: ReportSpec;
  /** Parallel requests to the store (default 8). */
  concurrency?: number;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function readPerImage(file: string): PerImageFile | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as PerImageFile;
    return Array.isArray(data?.images) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Runs of one experiment with the histories the charts draw and the per-image files. */
export async function loadReportRuns(source: RunSource, opts: LoadRunsOptions): Promise<ReportRun[]> {
  const spec = opts.spec ?? parseSpec({});
  const runs = await source.searchRuns({ experiment: opts.experiment, filter: opts.filter ?? spec.filter });
  const admitted = new Set<string>(spec.statuses);
  // Per-image files are fetched only for the test sets that get a chart.
  const allIds = runs.flatMap((r) => Object.keys(r.metrics).map(parseEvalKey).flatMap((k) => (k?.scale === undefined ? [] : [perImageId(k.dataset, k.scale)])));
  const charted = new Set(chartedPerImageIds(allIds, spec.charts.perImage.max));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-report-'));
  try {
    return await mapLimit(runs, opts.concurrency ?? 8, async (run) => {
      if (!admitted.has(run.status)) return run;
      // Histories only for curve keys the run logged (latest value present).
      const keys = spec.charts.curves ?? Object.keys(run.metrics).filter((k) => k.startsWith(METRIC.trainPrefix));
      const histories: Record<string, MetricPoint[]> = {};
      for (const key of keys) if (key in run.metrics) histories[key] = await source.getMetricHistory(run.runId, key);
      const perImage: Record<string, PerImageFile> = {};
      const pairs = new Map<string, { dataset: string; scale: number }>();
      for (const key of Object.keys(run.metrics)) {
        const k = parseEvalKey(key);
        if (k?.scale !== undefined && charted.has(perImageId(k.dataset, k.scale))) pairs.set(perImageId(k.dataset, k.scale), { dataset: k.dataset, scale: k.scale });
      }
      for (const [id, { dataset, scale }] of pairs) {
        const dest = path.join(tmp, run.runId, id);
        fs.mkdirSync(dest, { recursive: true });
        const file = await source.downloadArtifact(run.runId, perImageArtifact(dataset, scale), dest).catch(() => undefined);
        const data = file ? readPerImage(fs.statSync(file).isDirectory() ? path.join(file, path.basename(perImageArtifact(dataset, scale))) : file) : undefined;
        if (data) perImage[id] = data;
      }
      return { ...run, histories, perImage };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface BuildFromStoreOptions {
  /** A local store directory, a file: URI or an http(s) MLflow server URL. */
  from: string;
  experiment: string;
  outDir: string;
  spec?: ReportSpec | ReportSpecInput;
  filter?: string;
  interactive?: boolean;
  /** A domain's own pictures and charts (see ./figures.ts). */
  figures?: readonly ReportFigure[];
}

/** Opens a local store folder, a file: URI or an http(s) MLflow server through @kdlab/tracking. */
export async function openSource(from: string): Promise<RunSource> {
  const { openTrackingSource } = await import('./tracking-adapter');
  return openTrackingSource(from);
}

export async function buildReportFromStore(opts: BuildFromStoreOptions): Promise<BuildReportResult & { source: string }> {
  const spec = parseSpec(opts.spec ?? {});
  const source = await openSource(opts.from);
  const runs = await loadReportRuns(source, { experiment: opts.experiment, filter: opts.filter, spec });
  const res = await buildReport({ runs, spec, outDir: opts.outDir, serverUrl: source.uiBaseUrl, interactive: opts.interactive, figures: opts.figures });
  return { ...res, source: source.describe };
}
