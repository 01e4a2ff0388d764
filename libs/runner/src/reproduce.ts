// A reproduction: a list of table rows, each a stack of config files run for
// some seeds, then one table (mean ± sample std over seeds, n) written with
// papaparse. Runs go through executeRun with resume on, so an interrupted
// reproduction continues where it stopped and finished runs are not redone.
import * as fs from 'fs';
import * as path from 'path';
import Papa from 'papaparse';
import { repoRoot } from '@kdlab/data';
import { resolveRun } from './config/resolve';
import { readRunState, type RunResult } from './run-dir';
import { executeRun, type RunOptions } from './run';
import { TAG } from './train/naming';

export interface ReproductionRow {
  /** Row label (also the run's `kdlab.method` tag). */
  method: string;
  /** Config files, merged left to right (absolute, or relative to the repository). */
  files: string[];
  seeds: number[];
  /** Run name prefix; the seed is appended (`-s<seed>`). */
  name: string;
}

export interface TableColumn {
  /** A metric key of the run results. */
  key: string;
  label: string;
  decimals: number;
}

export interface Reproduction {
  name: string;
  description: string;
  experiment: string;
  rows: ReproductionRow[];
  columns: TableColumn[];
  /** Output folder (relative to the repository): `table.csv` and the report go here. */
  outDir: string;
  /**
   * Optional step before the rows run (additive, for classification's clustered hint points):
   * it may run things (e.g. train the teacher) and derive configs, and returns the rows to run
   * (undefined: `rows`). It gets the options of the reproduction and the resolved output folder.
   */
  prepare?(ctx: PrepareContext): Promise<ReproductionRow[] | undefined>;
  /**
   * Optional pictures for the report (a domain's qualitative figure: a CT slice, a spectrogram,
   * tracked boxes...), made after every row finished; `kdlab reproduce` embeds them in the HTML report.
   */
  figures?(ctx: FigureContext): Promise<ReproductionFigure[]>;
  /**
   * Rows that `prepare` adds at run time, declared so docs can list them without running anything
   * (docs/METHODS.md): the row label, the method files it derives from, and the non-loss methods it
   * uses (names given to registerMethodSource of @kdlab/kd, e.g. 'clustered-hints').
   */
  derivedRows?: { method: string; files: string[]; uses: string[] }[];
}

/** What a reproduction's `figures` step gets: where things are, and the finished runs. */
export interface FigureContext {
  /** The output folder of the reproduction (write PNGs under `<outDir>/figures/`). */
  outDir: string;
  runsDir: string;
  cacheDir: string;
  trackingUri?: string;
  /** Every run of the reproduction (run dirs hold final weights; see RunResult). */
  results: RunResult[];
  log: (line: string) => void;
}

/** One figure of a report: a PNG file, or a vega-lite spec with its data inline. */
export type ReproductionFigure = { title: string; caption: string } & ({ file: string } | { vegaLite: object });

export interface PrepareContext extends ReproduceOptions {
  outDir: string;
  log: (line: string) => void;
}

export interface TableRow {
  method: string;
  n: number;
  seeds: number[];
  /** The loosest kdlab.source_level of the row's runs (official-code < paper < abstract-only), '' when none says. */
  source: string;
  /** The git commits the row's runs were made at (kdlab.git_commit, '+dirty' when the tree had changes). */
  commits: string[];
  cells: Record<string, { mean: number; std: number; n: number } | undefined>;
}

export function meanStd(values: number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  // Sample standard deviation (n - 1), as the reports library prints it; 0 for one value.
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

const LEVELS = ['official-code', 'paper', 'abstract-only'];

function loosestLevel(levels: (string | undefined)[]): string {
  const known = levels.filter((l): l is string => !!l);
  return known.sort((a, b) => LEVELS.indexOf(b) - LEVELS.indexOf(a))[0] ?? '';
}

function commitOf(r: RunResult): string {
  const commit = r.tags?.[TAG.gitCommit] ?? 'unknown';
  return r.tags?.[TAG.gitDirty] === 'true' ? `${commit}+dirty` : commit;
}

export function buildTable(rows: ReproductionRow[], columns: TableColumn[], results: Map<string, RunResult[]>): TableRow[] {
  // Rows that share a label are one table row over all their runs (e.g. one row per
  // leave-one-sequence-out fold of a method: the cell is the mean over the folds).
  const unique = rows.filter((row, i) => rows.findIndex((r) => r.method === row.method) === i);
  return unique.map((row) => {
    const runs = results.get(row.method) ?? [];
    const cells: TableRow['cells'] = {};
    for (const c of columns) {
      const values = runs.map((r) => r.metrics[c.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      cells[c.key] = values.length > 0 ? meanStd(values) : undefined;
    }
    return { method: row.method, n: runs.length, seeds: runs.map((r) => r.seed), source: loosestLevel(runs.map((r) => r.tags?.[TAG.sourceLevel])), commits: [...new Set(runs.map(commitOf))], cells };
  });
}

/**
 * One CSV line per method: `source` (how close the method is to its reference; abstract-only rows are
 * readings, not reproductions), `<label>` = "mean ± std" (just the mean when n = 1 or all values are
 * equal), the numbers in `<label> mean` / `<label> std`, and the `commit` the row's runs were made at.
 */
export function tableCsv(table: TableRow[], columns: TableColumn[]): string {
  const records = table.map((row) => {
    const rec: Record<string, string | number> = { method: row.method, n: row.n, seeds: row.seeds.join(' '), source: row.source };
    for (const c of columns) {
      const cell = row.cells[c.key];
      rec[c.label] = !cell ? '' : cell.n > 1 && cell.std > 0 ? `${cell.mean.toFixed(c.decimals)} ± ${cell.std.toFixed(c.decimals)}` : cell.mean.toFixed(c.decimals);
    }
    for (const c of columns) {
      const cell = row.cells[c.key];
      rec[`${c.label} mean`] = cell ? cell.mean : '';
      rec[`${c.label} std`] = cell && cell.n > 1 ? cell.std : '';
    }
    rec.commit = row.commits.join(' ');
    return rec;
  });
  return Papa.unparse(records) + '\n';
}

export interface ReproduceOptions extends Pick<RunOptions, 'runsDir' | 'cacheDir' | 'trackingUri' | 'tracker' | 'log'> {
  /** Output folder override (default: the reproduction's outDir under the repository). */
  outDir?: string;
  /** Only these rows (by method). */
  only?: string[];
}

export interface ReproductionResult {
  table: TableRow[];
  csvFile: string;
  seconds: number;
  results: RunResult[];
  /** What the reproduction's `figures` step made (empty when it has none). */
  figures: ReproductionFigure[];
}

export async function runReproduction(r: Reproduction, opts: ReproduceOptions = {}): Promise<ReproductionResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const started = Date.now();
  // A reproduction's outDir is relative to the repository unless absolute.
  const outDir = opts.outDir ?? path.resolve(repoRoot(), r.outDir);
  const allRows = (await r.prepare?.({ ...opts, outDir, log })) ?? r.rows;
  const rows = opts.only ? allRows.filter((row) => opts.only!.includes(row.method)) : allRows;
  const byMethod = new Map<string, RunResult[]>();
  const all: RunResult[] = [];
  const total = rows.reduce((n, row) => n + row.seeds.length, 0);
  let k = 0;
  for (const row of rows) {
    for (const seed of row.seeds) {
      const files = row.files.map((f) => path.resolve(repoRoot(), f));
      const run = resolveRun(files, { overrides: { seed, name: `${row.name}-s${seed}`, method: row.method, experiment: r.experiment } });
      log(`[${++k}/${total}] ${row.method} (seed ${seed})`);
      const result = await executeRun(run, { runsDir: opts.runsDir, cacheDir: opts.cacheDir, trackingUri: opts.trackingUri, tracker: opts.tracker, log, resume: true });
      all.push(result);
      byMethod.set(row.method, [...(byMethod.get(row.method) ?? []), result]);
    }
  }
  // The table holds what the tracking store holds for these runs (the numbers a
  // report reads), over each run's result.json: one source of truth.
  if (all.length > 0) {
    const tracker = opts.tracker ?? (await import('@kdlab/tracking')).createTracker(readRunState(all[0].runDir)?.trackingUri ?? opts.trackingUri);
    const logged = new Map((await tracker.searchRuns({ experiment: r.experiment, maxResults: 10000 })).map((rec) => [rec.runId, rec.metrics]));
    for (const res of all) res.metrics = { ...res.metrics, ...(logged.get(res.runId) ?? {}) };
  }
  const table = buildTable(rows, r.columns, byMethod);
  fs.mkdirSync(outDir, { recursive: true });
  const csvFile = path.join(outDir, 'table.csv');
  fs.writeFileSync(csvFile, tableCsv(table, r.columns));
  const figures = r.figures
    ? await r.figures({
        outDir,
        runsDir: opts.runsDir ?? path.join(repoRoot(), 'runs'),
        cacheDir: opts.cacheDir ?? path.join(repoRoot(), '.cache'),
        trackingUri: opts.trackingUri,
        results: all,
        log,
      })
    : [];
  return { table, csvFile, seconds: (Date.now() - started) / 1000, results: all, figures };
}
