// Per-image results on one test set (from the `eval/<dataset>_x<scale>.json`
// artifacts). With a baseline: each method's gain over the baseline per image,
// bars around zero (a 0.1 dB difference is visible). Without one: the metric
// itself per image and method.
import { sortDatasets } from '../model/columns';
import { metricLabel } from '../model/format';
import type { RowGroup } from '../model/rows';
import type { ReportSpec } from '../spec';
import { readField } from '../model/fields';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, round, rowColor, type ChartDef } from './chart';

/** Mean over seeds of `metric` per image, for one row and one per-image file id. */
export function perImageMeans(group: RowGroup, fileId: string, metric: string, seedRef: string): Map<string, number> {
  // One file per seed: the latest run of each seed that has the file.
  const bySeed = new Map<string, { start: number; images: Array<{ name: string; [m: string]: number | string }> }>();
  for (const run of group.runs) {
    const file = run.perImage?.[fileId];
    if (!file) continue;
    const seed = readField(run, seedRef) ?? run.runId;
    const prev = bySeed.get(seed);
    if (!prev || run.startTime > prev.start) bySeed.set(seed, { start: run.startTime, images: file.images });
  }
  const sums = new Map<string, { sum: number; n: number }>();
  for (const { images } of bySeed.values()) for (const img of images) {
    const v = Number(img[metric]);
    if (!Number.isFinite(v)) continue;
    const s = sums.get(String(img.name)) ?? { sum: 0, n: 0 };
    s.sum += v;
    s.n += 1;
    sums.set(String(img.name), s);
  }
  return new Map([...sums.entries()].map(([name, s]) => [name, s.sum / s.n]));
}

export function perImageChart(fileId: string, groups: readonly RowGroup[], spec: ReportSpec, id: string): ChartDef | null {
  const metric = spec.charts.perImage.metric;
  const means = groups.map((g) => ({ g, m: perImageMeans(g, fileId, metric, spec.seed) })).filter((x) => x.m.size > 0);
  if (means.length === 0) return null;
  const images = [...new Set(means.flatMap((x) => [...x.m.keys()]))];
  const base = means.find((x) => x.g.isBaseline);
  const label = `${metricLabel(metric)} on ${fileId.replace(/_x(\d+)$/, ' x$1')}`;
  const common = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json' as const, width: CHART_WIDTH, height: CHART_HEIGHT, config: CHART_CONFIG };
  // Past ~30 images names cannot be read under the bars; the tooltip names each one.
  const xEnc = { field: 'image', type: 'nominal' as const, sort: images, title: `image (${images.length})`, axis: images.length > 30 ? { labels: false, ticks: false } : { labelAngle: -40, labelLimit: 90 } };

  if (base && means.length > 1) {
    const sign = spec.directions[metric] === 'lower' ? -1 : 1;
    const gainOf = (m: Map<string, number>) => {
      const common = images.filter((im) => m.has(im) && base.m.has(im));
      return common.reduce((a, im) => a + sign * (m.get(im)! - base.m.get(im)!), 0) / Math.max(1, common.length);
    };
    let others = means.filter((x) => x !== base);
    // Bounded size: with many images only the methods that gain most are drawn (reference rows last).
    const keep = Math.max(1, Math.floor(spec.charts.perImage.maxBars / Math.max(1, images.length)));
    const dropped = Math.max(0, others.length - keep);
    if (dropped > 0) {
      const chosen = new Set([...others].sort((a, b) => Number(a.g.isReference) - Number(b.g.isReference) || gainOf(b.m) - gainOf(a.m)).slice(0, keep));
      others = others.filter((x) => chosen.has(x));
    }
    const values = others.flatMap(({ g, m }) =>
      images.filter((im) => m.has(im) && base.m.has(im)).map((im) => ({ row: g.label, image: im, delta: round(m.get(im)! - base.m.get(im)!), value: round(m.get(im)!) })),
    );
    const rows = others.map((x) => x.g.label);
    return {
      id,
      title: `Per-image ${label}: gain over ${base.g.label}`,
      caption: `Per-image ${label}: each method's mean over seeds minus the baseline's (${base.g.label}), per image; bars above zero are better than the baseline${sign < 0 ? ' (for this metric lower is better: bars below zero are better)' : ''}.${dropped ? ` ${dropped} methods with smaller mean gains are left out (at most ${spec.charts.perImage.maxBars} bars; the CSV and the table have them all).` : ''}`,
      spec: {
        ...common,
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x: xEnc,
          xOffset: { field: 'row', type: 'nominal', sort: rows },
          y: { field: 'delta', type: 'quantitative', title: `Δ ${metricLabel(metric)} vs ${base.g.label}` },
          color: rowColor(rows, groups.map((g) => g.label)),
          tooltip: [{ field: 'row', title: 'method' }, { field: 'image' }, { field: 'value', title: metricLabel(metric), format: '.4f' }, { field: 'delta', title: 'Δ', format: '+.4f' }],
        },
      },
    };
  }
  const shown = means.slice(0, Math.max(1, Math.floor(spec.charts.perImage.maxBars / Math.max(1, images.length))));
  const rows = shown.map((x) => x.g.label);
  const values = shown.flatMap(({ g, m }) => [...m.entries()].map(([image, value]) => ({ row: g.label, image, value: round(value) })));
  return {
    id,
    title: `Per-image ${label}`,
    caption: `Per-image ${label}, mean over seeds, per method (the y axis does not start at zero)${shown.length < means.length ? `; the first ${shown.length} of ${means.length} methods (at most ${spec.charts.perImage.maxBars} bars)` : ''}.`,
    spec: {
      ...common,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: xEnc,
        xOffset: { field: 'row', type: 'nominal', sort: rows },
        y: { field: 'value', type: 'quantitative', title: metricLabel(metric), scale: { zero: false } },
        color: rowColor(rows, groups.map((g) => g.label)),
        tooltip: [{ field: 'row', title: 'method' }, { field: 'image' }, { field: 'value', title: metricLabel(metric), format: '.4f' }],
      },
    },
  };
}

/** Which per-image files get a chart, in order: by scale, then dataset in paper order; the first `max`. */
export function chartedPerImageIds(ids: Iterable<string>, max: number): string[] {
  const files = new Map<string, { dataset: string; scale: number }>();
  for (const id of ids) {
    const m = /^(.*)_x(\d+)$/.exec(id);
    if (m) files.set(id, { dataset: m[1], scale: Number(m[2]) });
  }
  const order = sortDatasets([...files.values()].map((f) => f.dataset));
  return [...files.keys()]
    .sort((a, b) => files.get(a)!.scale - files.get(b)!.scale || order.indexOf(files.get(a)!.dataset) - order.indexOf(files.get(b)!.dataset))
    .slice(0, max);
}
