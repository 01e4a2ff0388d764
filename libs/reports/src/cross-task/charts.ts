// Vega-lite charts of the study: the matrix of changes over the student's seed std, and the pairwise
// Kendall's tau of the loss rankings between domains. Both as heat maps with the value written in each
// square; rendered to static SVG and redrawn interactively like every other chart of the reports.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, round, type ChartDef } from '../charts/chart';
import type { CrossTaskMatrix } from './matrix';
import type { CrossTaskInput } from './model';

const CELL = 46;

function heatmap(o: { data: object[]; x: string; y: string; xs: string[]; ys: string[]; value: string; title: string; domain: [number, number]; label: string }): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CHART_CONFIG,
    width: Math.max(120, CELL * o.xs.length),
    height: Math.max(80, CELL * o.ys.length),
    data: { values: o.data },
    encoding: {
      x: { field: o.x, type: 'nominal', sort: o.xs, title: null, axis: { labelAngle: -30, grid: false } },
      y: { field: o.y, type: 'nominal', sort: o.ys, title: null, axis: { grid: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff' },
        encoding: {
          color: { field: o.value, type: 'quantitative', title: o.title, scale: { scheme: 'redyellowgreen', domain: o.domain, clamp: true }, legend: { orient: 'right' } },
          tooltip: [{ field: o.y, type: 'nominal' }, { field: o.x, type: 'nominal' }, { field: o.value, type: 'quantitative', format: '.2f' }, { field: o.label, type: 'nominal', title: 'note' }],
        },
      },
      // Light text on the saturated ends of the scale, dark text in the middle.
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: o.label, type: 'nominal' }, color: { condition: { test: `datum.${o.value} !== null && abs(datum.${o.value}) > ${0.6 * o.domain[1]}`, value: 'white' }, value: 'black' } } },
    ],
  } as TopLevelSpec;
}

export function tauChart(m: CrossTaskMatrix, input: CrossTaskInput): ChartDef {
  const label = (id: string) => input.domains.find((d) => d.id === id)!.label;
  const names = input.domains.map((d) => d.label);
  const data = m.tau.map((t) => ({ a: label(t.a), b: label(t.b), tau: t.tau === null ? null : round(t.tau), text: t.tau === null ? `n/a (${t.common})` : `${t.tau.toFixed(2)} (${t.common})` }));
  return {
    id: 'kendall-tau',
    title: "Rank agreement between domains (Kendall's τ-b)",
    caption: `Kendall's τ-b between the orderings of the losses by their change against the student alone, for every pair of domains, over the losses measured in both (their number in brackets; n/a below two). +1: the domains rank the losses the same way, −1: opposite ways.`,
    spec: heatmap({ data, x: 'a', y: 'b', xs: names, ys: names, value: 'tau', title: 'τ-b', domain: [-1, 1], label: 'text' }),
  };
}

export function matrixChart(m: CrossTaskMatrix, input: CrossTaskInput, lossLabel: (id: string) => string): ChartDef {
  const dl = (id: string) => input.domains.find((d) => d.id === id)!.label;
  const data = m.cells.map((c) => ({
    domain: dl(c.domain),
    loss: lossLabel(c.loss),
    z: c.state === 'measured' && c.changeOverStd !== null && c.changeOverStd !== undefined ? round(c.changeOverStd) : null,
    text: c.state === 'skipped' ? 'skipped' : c.state === 'missing' ? '—' : c.changeOverStd === null || c.changeOverStd === undefined ? 'n/a' : c.changeOverStd.toFixed(1),
  }));
  return {
    id: 'matrix',
    title: 'Change against the student alone, in student seed standard deviations',
    caption: `Each square: (mean with the loss − mean of the student alone) / sample std of the student alone over seeds, signed so that positive is better in the domain's metric; colour clamped to ±3. "skipped": the loss does not apply (reason in the table); —: no finished run.`,
    spec: heatmap({ data, x: 'domain', y: 'loss', xs: input.domains.map((d) => d.label), ys: input.losses.map((l) => lossLabel(l.id)), value: 'z', title: 'Δ / std', domain: [-3, 3], label: 'text' }),
  };
}
