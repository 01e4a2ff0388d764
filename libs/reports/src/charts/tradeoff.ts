// The efficiency trade-off: one point per method at (model size, quality),
// quality as mean ± std over seeds. Up and to the left is better.
import { METRIC, parseEvalKey } from '../convention';
import { formatSi, metricLabel } from '../model/format';
import { runsPerSeed, type RowGroup } from '../model/rows';
import { summarize } from '../model/stats';
import type { ReportSpec } from '../spec';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, rowColor, type ChartDef } from './chart';

const X_TITLE: Record<string, string> = { [METRIC.params]: 'parameters', [METRIC.flops]: 'FLOPs' };

export function tradeoffChart(xKey: string, yKey: string, groups: readonly RowGroup[], spec: ReportSpec, id: string): ChartDef | null {
  const values = groups.flatMap((g) => {
    const xs = runsPerSeed(g.runs, xKey, spec.seed);
    const ys = runsPerSeed(g.runs, yKey, spec.seed);
    if (xs.length === 0 || ys.length === 0) return [];
    const x = summarize(xs.map((r) => r.metrics[xKey])).mean;
    const y = summarize(ys.map((r) => r.metrics[yKey]));
    const std = y.std ?? 0;
    return [{ row: g.label, x, xLabel: formatSi(x), y: y.mean, lo: y.mean - std, hi: y.mean + std, n: y.n }];
  });
  if (values.length === 0) return null;
  const ek = parseEvalKey(yKey);
  const yTitle = ek ? `${metricLabel(ek.metric)} on ${ek.dataset}${ek.scale === undefined ? '' : ` x${ek.scale}`}` : yKey;
  const xTitle = X_TITLE[xKey] ?? xKey;
  const logX = values.every((v) => v.x > 0);
  const rows = values.map((v) => v.row);
  const labelled = values.length <= 5;
  const xEnc = { field: 'x', type: 'quantitative' as const, title: `${xTitle}${logX ? ' (log scale)' : ''}`, scale: logX ? { type: 'log' as const } : { zero: false }, axis: { format: '~s', labelOverlap: 'greedy' as const, tickCount: 5 } };
  return {
    id,
    title: `${yTitle} vs ${xTitle}`,
    caption: `Efficiency trade-off: ${yTitle} (mean over seeds, bars = ± sample std) against ${xTitle} (${xKey}), one point per method.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config: CHART_CONFIG,
      data: { values },
      // Few methods: labels beside the points; many: a legend (labels would collide).
      encoding: { x: xEnc, color: labelled ? { ...rowColor(rows, groups.map((g) => g.label)), legend: null } : rowColor(rows, groups.map((g) => g.label)) },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'lo', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { field: 'hi' } } },
        {
          mark: { type: 'point', filled: true, size: 80 },
          encoding: {
            y: { field: 'y', type: 'quantitative', title: yTitle },
            tooltip: [{ field: 'row', title: 'method' }, { field: 'xLabel', title: xTitle }, { field: 'y', title: yTitle, format: '.4f' }, { field: 'n', title: 'seeds' }],
          },
        },
        ...(labelled ? [{ mark: { type: 'text' as const, align: 'left' as const, dx: 7, dy: -7, fontSize: 11 }, encoding: { y: { field: 'y', type: 'quantitative' as const }, text: { field: 'row' } } }] : []),
      ],
    },
  };
}

/** Default y: the psnr column the most rows have (ties: the first in table order). */
export function defaultTradeoffY(groups: readonly RowGroup[], evalKeys: string[]): string | undefined {
  const preferred = evalKeys.filter((k) => /^(psnr|top1|accuracy)$/.test(parseEvalKey(k)?.metric ?? ''));
  const pool = preferred.length ? preferred : evalKeys;
  let best: string | undefined;
  let bestCount = -1;
  for (const k of pool) {
    const count = groups.filter((g) => g.runs.some((r) => Number.isFinite(r.metrics[k]))).length;
    if (count > bestCount) {
      best = k;
      bestCount = count;
    }
  }
  return best;
}
