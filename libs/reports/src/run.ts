// What a report is built from: one logged run, as the tracking library
// returns it, plus what the report loads beside it (metric histories for the
// training curves, per-image evaluation files). The shape mirrors
// `RunRecord`/`MetricPoint` of @kdlab/tracking on purpose; `source.ts` is the
// one place that adapts whatever the tracking library returns to it.

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'SCHEDULED';

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** Contents of the per-image artifact `eval/<dataset>_x<scale>.json`. */
export interface PerImageFile {
  images: Array<{ name: string; [metric: string]: number | string }>;
  mean?: Record<string, number>;
}

export interface ReportRun {
  runId: string;
  experimentId: string;
  experimentName: string;
  runName: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Latest value per metric key. */
  metrics: Record<string, number>;
  artifactUri?: string;
  /** Metric histories by key (only the keys the charts need). */
  histories?: Record<string, MetricPoint[]>;
  /** Per-image evaluation files by `<dataset>_x<scale>` (e.g. `Set5_x4`). */
  perImage?: Record<string, PerImageFile>;
}
