// The logging convention reports rely on (documented in ../README.md). The
// runner logs runs this way, so `kdlab report` needs no spec for them.

export const TAG = {
  method: 'kdlab.method',
  baseline: 'kdlab.baseline',
  /** Reference rows (e.g. the teacher) are shown but not ranked. */
  reference: 'kdlab.reference',
  gitCommit: 'kdlab.git_commit',
  configHash: 'kdlab.config_hash',
  backend: 'kdlab.backend',
  versions: 'kdlab.versions',
  dataChecksums: 'kdlab.data_checksums',
  metricConvention: 'kdlab.metric_convention',
  selection: 'kdlab.selection',
  /** How close the row's method is to its reference: official-code | paper | abstract-only (the runner logs it from the config's `source`). */
  sourceLevel: 'kdlab.source_level',
  sourceReference: 'kdlab.source_reference',
} as const;

/** Source levels from the closest to the loosest; a row shows the loosest level among its runs. */
export const SOURCE_LEVELS = ['official-code', 'paper', 'abstract-only'] as const;

/** The loosest source level among the runs' tags (undefined when none says). */
export function loosestSourceLevel(levels: readonly (string | undefined)[]): string | undefined {
  let worst = -1;
  let unknown: string | undefined;
  for (const l of levels) {
    if (!l) continue;
    const i = (SOURCE_LEVELS as readonly string[]).indexOf(l);
    if (i < 0) unknown = l;
    worst = Math.max(worst, i);
  }
  return unknown ?? (worst >= 0 ? SOURCE_LEVELS[worst] : undefined);
}

export const PARAM = { seed: 'seed', method: 'method' } as const;

export const METRIC = { params: 'model/params', flops: 'model/flops', trainPrefix: 'train/' } as const;

/** Checkpoint selection rules a run may declare in `kdlab.selection`. */
export const SELECTIONS: Record<string, string> = {
  'last-epoch': 'the checkpoint of the last epoch',
  'best-on-validation': 'the checkpoint with the best validation score',
  'last-step': 'the model after the last training step',
  'last-step, hparams on val': 'the model after the last training step; hyper-parameters chosen on a validation split carved from the training data, never on a test set',
  'last-step, hparams by hand': 'the model after the last training step; hyper-parameters set by hand, not selected on held-out data (e.g. a reference teacher)',
};

export interface EvalKey {
  dataset: string;
  /** SR scale; absent in other domains' keys (`eval/<dataset>/<metric>`). */
  scale?: number;
  metric: string;
}

const EVAL_RE = /^eval\/([^/]+)\/(?:x(\d+)\/)?([^/]+)$/;

/** `eval/Set5/x4/psnr` -> { dataset: 'Set5', scale: 4, metric: 'psnr' }; `eval/FashionMNIST/top1` -> no scale; other keys -> null. */
export function parseEvalKey(key: string): EvalKey | null {
  const m = EVAL_RE.exec(key);
  return m ? { dataset: m[1], scale: m[2] === undefined ? undefined : Number(m[2]), metric: m[3] } : null;
}

export function evalKey(k: EvalKey): string {
  return k.scale === undefined ? `eval/${k.dataset}/${k.metric}` : `eval/${k.dataset}/x${k.scale}/${k.metric}`;
}

/** Artifact path of the per-image file for one dataset and scale. */
export function perImageArtifact(dataset: string, scale: number): string {
  return `eval/${dataset}_x${scale}.json`;
}

export function perImageId(dataset: string, scale: number): string {
  return `${dataset}_x${scale}`;
}

// Which way is better, by metric name (the last path segment of a key).
const LOWER_IS_BETTER = /(^|[/_])(loss|lpips|mse|mae|rmse|l1|l2|error|err|params|flops|latency|time|fid|niqe)$/i;

export function defaultDirection(metric: string): 'higher' | 'lower' {
  return LOWER_IS_BETTER.test(metric) ? 'lower' : 'higher';
}

/** Decimals shown for a metric, by name: PSNR in dB to 0.01, SSIM to 1e-4 as in SR papers. */
export function defaultDecimals(metric: string): number {
  const m = metric.split('/').pop()!.toLowerCase();
  if (m === 'psnr') return 2;
  if (m === 'ssim' || m === 'lpips' || m === 'ms-ssim') return 4;
  if (m === 'top1' || m === 'top5' || m === 'accuracy') return 2;
  return 3;
}
