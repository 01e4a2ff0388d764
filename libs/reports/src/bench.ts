// Measures a 1000-run report: `npx tsx libs/reports/src/bench.ts [runs] [outDir] [--store]`.
// With --store the runs are first logged to a local MLflow store through
// @kdlab/tracking (500 steps per curve) and the report is built from it, loading included.
// 10 methods × 25 seeds × 4 scales, 4 test sets, 2000 logged steps of two
// curves per run and 100 per-image values per test set: ~4M points in, an
// aggregated report out.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReport } from './build';
import { logRuns } from './fixtures/log-runs';
import { syntheticRuns } from './fixtures/synthetic';
import { buildReportFromStore } from './source';

export interface BenchResult {
  runs: number;
  pointsIn: number;
  buildMs: number;
  timings: Record<string, number>;
  htmlBytes: number;
  staticHtmlBytes: number;
  csvBytes: number;
}

function benchRuns(total: number, steps: number) {
  const methods = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'teacher (EDSR)' : i === 1 ? 'student' : `student + KD${i}`));
  const scales = [2, 3, 4, 8];
  const seeds = Math.max(1, Math.round(total / (methods.length * scales.length)));
  return syntheticRuns({ methods, seeds, scales, datasets: ['Set5', 'Set14', 'B100', 'Urban100'], steps, images: 100 });
}

/** Logs the runs to a fresh local store, then times buildReportFromStore (loading histories and per-image files included). */
export async function benchFromStore(total = 1000, outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-bench-'))): Promise<{ runs: number; logMs: number; loadAndBuildMs: number; htmlBytes: number; timings: Record<string, number> }> {
  const store = path.join(outDir, 'mlruns');
  fs.rmSync(store, { recursive: true, force: true });
  const runs = benchRuns(total, 500);
  let t0 = performance.now();
  await logRuns(store, 'bench', runs);
  const logMs = Math.round(performance.now() - t0);
  t0 = performance.now();
  const res = await buildReportFromStore({ from: store, experiment: 'bench', outDir: path.join(outDir, 'report') });
  return { runs: res.runs, logMs, loadAndBuildMs: Math.round(performance.now() - t0), htmlBytes: res.bytes, timings: res.timings };
}

export async function benchReport(total = 1000, outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-bench-'))): Promise<BenchResult> {
  const runs = benchRuns(total, 2000);
  const pointsIn = runs.reduce((a, r) => a + Object.values(r.histories ?? {}).reduce((b, h) => b + h.length, 0), 0);
  const t0 = performance.now();
  const res = await buildReport({ runs, outDir });
  const buildMs = Math.round(performance.now() - t0);
  const stat = await buildReport({ runs, outDir: path.join(outDir, 'static'), interactive: false });
  const csvBytes = res.csvFiles.reduce((a, f) => a + fs.statSync(f).size, 0);
  return { runs: runs.length, pointsIn, buildMs, timings: res.timings, htmlBytes: res.bytes, staticHtmlBytes: stat.bytes, csvBytes };
}

if (require.main === module) {
  const args = process.argv.slice(2).filter((a) => a !== '--store');
  const total = Number(args[0] ?? 1000);
  if (process.argv.includes('--store')) {
    void benchFromStore(total, args[1]).then((r) => {
      console.log(`local store: ${r.runs} runs logged in ${r.logMs} ms; report loaded and built in ${r.loadAndBuildMs} ms (${JSON.stringify(r.timings)}), index.html ${(r.htmlBytes / 1024).toFixed(0)} KiB`);
    });
  } else benchReport(total, args[1]).then((r) => {
    const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
    console.log(`runs: ${r.runs} (${r.pointsIn.toLocaleString('en')} curve points in)`);
    console.log(`build: ${r.buildMs} ms (${Object.entries(r.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')})`);
    console.log(`index.html: ${kb(r.htmlBytes)} (static-only: ${kb(r.staticHtmlBytes)}; JS libraries inlined: ~${kb(r.htmlBytes - r.staticHtmlBytes)})`);
    console.log(`CSV: ${kb(r.csvBytes)}`);
  });
}
