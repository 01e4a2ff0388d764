// One chart of the report: a vega-lite spec with its data inlined, rendered
// to static SVG at build time and re-rendered interactively in the browser.
import type { TopLevelSpec } from 'vega-lite';

export interface ChartDef {
  id: string;
  title: string;
  /** Says what is drawn and how the values were aggregated. */
  caption: string;
  spec: TopLevelSpec;
}

export const CHART_WIDTH = 400;
export const CHART_HEIGHT = 220;

/** Shared look: fonts the page uses, no chart border, readable axes. */
export const CHART_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { orient: 'bottom', columns: 3, labelFontSize: 11, titleFontSize: 12, labelLimit: 180 },
  title: { fontSize: 13 },
} as const;

// vega's tableau10, then tableau20's lighter half, for more rows.
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];

/**
 * Color by row (method). Each row keeps its color in every chart: the color
 * is its position among all rows of the report, whichever rows a chart shows.
 */
export function rowColor(shown: string[], all: string[] = shown) {
  const range = shown.map((r) => PALETTE[Math.max(0, all.indexOf(r)) % PALETTE.length]);
  return { field: 'row', type: 'nominal' as const, title: 'method', scale: { domain: shown, range }, sort: shown };
}

/** Chart data keeps 6 significant digits: more is invisible and doubles the file. */
export function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}
