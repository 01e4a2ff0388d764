// How numbers print in tables and CSV captions.
import type { Column } from './columns';

const SI: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];

/** 1523000 -> "1.52M" (model size in papers' units). */
export function formatSi(v: number, decimals = 2): string {
  const a = Math.abs(v);
  for (const [f, s] of SI) if (a >= f) return `${(v / f).toFixed(decimals)}${s}`;
  return v.toFixed(a === Math.round(a) ? 0 : decimals);
}

export function formatValue(col: Column, v: number): string {
  return col.format === 'si' ? formatSi(v, col.decimals) : v.toFixed(col.decimals);
}

/** Signed, same precision as the column: "+0.21", "−0.05" (a real minus sign). */
export function formatDelta(col: Column, d: number): string {
  const body = formatValue(col, Math.abs(d));
  if (Number(body.replace(/[^\d.]/g, '')) === 0) return `±${body}`;
  return `${d > 0 ? '+' : '\u2212'}${body}`;
}

/** Whether a Δ is an improvement given the column's direction (undefined when it rounds to zero). */
export function deltaIsGain(col: Column, d: number): boolean | undefined {
  if (Number(Math.abs(d).toFixed(col.decimals)) === 0) return undefined;
  return col.direction === 'higher' ? d > 0 : d < 0;
}

export function columnLabel(col: Column): string {
  if (col.kind === 'extra') return col.metric === 'params' ? 'Params' : col.metric === 'flops' ? 'FLOPs' : col.metric;
  return col.dataset ? `${col.dataset}${col.scale === undefined ? '' : ` x${col.scale}`} ${col.metric}` : col.metric;
}

/** PSNR, SSIM, LPIPS in capitals as papers print them; other names as logged. */
export function metricLabel(metric: string): string {
  if (/^top(\d)$/i.test(metric)) return `Top-${metric.slice(3)}`;
  return /^(psnr|ssim|lpips|fid|niqe|mse|mae|rmse)$/i.test(metric) ? metric.toUpperCase() : metric;
}
