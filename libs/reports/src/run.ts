// What a report is built from: one logged run as @kdlab/tracking returns it
// (`RunRecord`), plus what the report loads beside it (metric histories for the
// training curves, per-image evaluation files). `source.ts` is the one place
// that loads them through the tracking library.
import type { MetricPoint, RunRecord, RunStatus } from '@kdlab/tracking';

export type { MetricPoint, RunStatus };

/** Contents of the per-image artifact `eval/<dataset>_x<scale>.json`. */
export interface PerImageFile {
  images: Array<{ name: string; [metric: string]: number | string }>;
  mean?: Record<string, number>;
}

export interface ReportRun extends Omit<RunRecord, 'artifactUri'> {
  artifactUri?: string;
  /** Metric histories by key (only the keys the charts need). */
  histories?: Record<string, MetricPoint[]>;
  /** Per-image evaluation files by `<dataset>_x<scale>` (e.g. `Set5_x4`). */
  perImage?: Record<string, PerImageFile>;
}
