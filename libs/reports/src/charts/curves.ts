// Training curves (`train/*` metric histories). Up to `maxCurveRuns` runs:
// one line per run, colored by row. Above that: one mean line per row with a
// min–max band over its runs, so a 1000-run report stays small and legible.
import { METRIC } from '../convention';
import type { ReportRun } from '../run';
import type { ReportSpec } from '../spec';
import { binPoints, stepRange } from './downsample';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, round, rowColor, type ChartDef } from './chart';

/** Keys to draw: the spec's list, else every `train/*` history the runs carry, `train/loss` first, at most 6. */
export function curveKeys(runs: readonly ReportRun[], spec: ReportSpec): string[] {
  if (spec.charts.curves) return spec.charts.curves;
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.histories ?? {})) if (k.startsWith(METRIC.trainPrefix)) keys.add(k);
  return [...keys].sort((a, b) => Number(b === 'train/loss') - Number(a === 'train/loss') || a.localeCompare(b)).slice(0, 6);
}

export function curveChart(key: string, runs: ReadonlyArray<{ run: ReportRun; row: string }>, rows: string[], spec: ReportSpec, id: string): ChartDef | null {
  const series = runs.map(({ run, row }) => ({ run, row, points: run.histories?.[key] ?? [] })).filter((s) => s.points.length > 0);
  if (series.length === 0) return null;
  const buckets = spec.charts.curvePoints;
  const [lo, hi] = stepRange(series.map((s) => s.points));
  const perRun = series.length <= spec.charts.maxCurveRuns;
  const shownRows = rows.filter((r) => series.some((s) => s.row === r));
  const x = { field: 'step', type: 'quantitative' as const, title: 'step' };
  const common = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: CHART_WIDTH, height: CHART_HEIGHT, config: CHART_CONFIG };

  if (perRun) {
    const values = series.flatMap((s) =>
      binPoints(s.points, lo, hi, buckets).map((p) => ({ row: s.row, run: `${s.run.runName} (${s.run.runId.slice(0, 8)})`, step: round(p.step), value: round(p.value) })),
    );
    return {
      id,
      title: key,
      caption: `${key} against training step, one line per run (${series.length} runs), colored by method; each line keeps at most ${buckets} points (mean of the logged steps in equal step bins).`,
      spec: {
        ...common,
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.85 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: key, scale: { zero: false } },
          color: rowColor(shownRows, rows),
          detail: { field: 'run', type: 'nominal' },
          tooltip: [{ field: 'row', title: 'method' }, { field: 'run' }, { field: 'step', format: ',.0f' }, { field: 'value', format: '.5g' }],
        },
      },
    };
  }

  // Mean over the runs of each row, per step bin, with the min–max envelope.
  const acc = new Map<string, { row: string; step: number; sum: number; min: number; max: number; n: number }>();
  for (const s of series) for (const p of binPoints(s.points, lo, hi, buckets)) {
    const k = `${s.row}\u0000${p.bin}`;
    const a = acc.get(k) ?? { row: s.row, step: 0, sum: 0, min: Infinity, max: -Infinity, n: 0 };
    a.step += p.step;
    a.sum += p.value;
    a.min = Math.min(a.min, p.value);
    a.max = Math.max(a.max, p.value);
    a.n += 1;
    acc.set(k, a);
  }
  const values = [...acc.values()].map((a) => ({ row: a.row, step: round(a.step / a.n), mean: round(a.sum / a.n), min: round(a.min), max: round(a.max), runs: a.n })).sort((a, b) => a.step - b.step);
  const y = { field: 'mean', type: 'quantitative' as const, title: `${key} (mean over runs)`, scale: { zero: false } };
  return {
    id,
    title: key,
    caption: `${key} against training step: mean over the runs of each method (${series.length} runs in all), band = min–max over those runs; ${buckets} step bins.`,
    spec: {
      ...common,
      data: { values },
      encoding: { x, color: rowColor(shownRows, rows) },
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'min', type: 'quantitative', title: y.title, scale: { zero: false } }, y2: { field: 'max' } } },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            y,
            tooltip: [{ field: 'row', title: 'method' }, { field: 'step', format: ',.0f' }, { field: 'mean', format: '.5g' }, { field: 'min', format: '.5g' }, { field: 'max', format: '.5g' }, { field: 'runs' }],
          },
        },
      ],
    },
  };
}
