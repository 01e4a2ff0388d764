// The visual-tracking reproductions `kdlab reproduce` knows. tracking-quick: the distilled
// Siamese trackers table (the first box as a floor, SiamRPN teacher, students S1 thin and S2 thin + shallow, S1 + KD /
// FitNet / teacher-student distillation / + knowledge sharing with S2), each row trained and
// tracked once per leave-one-sequence-out fold (three sequences): a row's cell is the mean
// over the three held-out sequences (got10k's overall score: the mean of per-sequence
// curves), ± their standard deviation, n = 3 folds.
import type { Reproduction, ReproductionRow, TableColumn } from '@kdlab/runner';
import { figures } from './figures';
import { METRICS } from './naming';

const CONFIGS = 'experiments/tracking/configs';
export const FOLDS = ['vot15_bag', 'otb_crossing', 'otb_human3'] as const;

export const METHODS: { file: string; method: string; role: 'baseline' | 'teacher' | 'student' }[] = [
  { file: 'first-box', method: 'first box (no tracking)', role: 'baseline' },
  { file: 'teacher', method: 'teacher (SiamRPN, AlexNet-style)', role: 'teacher' },
  { file: 'student', method: 'S1 (thin) alone', role: 'student' },
  { file: 'student-shallow', method: 'S2 (thin, shallow) alone', role: 'student' },
  { file: 'kd', method: 'S1 + KD (response maps)', role: 'student' },
  { file: 'fitnet', method: 'S1 + FitNet (backbone)', role: 'student' },
  { file: 'ts', method: 'S1 + TS distillation', role: 'student' },
  { file: 'tsskd', method: 'S1 + TS + knowledge sharing (with S2)', role: 'student' },
];

/** One row per method and fold; rows of one method share its label, so the table averages the folds. */
export function trackingRows(profile: 'quick' | 'paper', folds: readonly string[] = FOLDS): ReproductionRow[] {
  return METHODS.flatMap((m) =>
    folds.map((fold) => ({
      method: m.method,
      files: [`${CONFIGS}/profiles/${profile}.yaml`, `${CONFIGS}/folds/${fold}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
      seeds: [0],
      name: `${fold}-${m.file}`,
    })),
  );
}

export function trackingColumns(): TableColumn[] {
  return [
    { key: METRICS.successAuc, label: 'success AUC', decimals: 3 },
    { key: METRICS.precision20, label: 'precision@20', decimals: 3 },
    { key: METRICS.fps, label: 'FPS', decimals: 0 },
    { key: METRICS.params, label: 'params', decimals: 0 },
    { key: METRICS.mb, label: 'MB', decimals: 2 },
    { key: METRICS.member(1, 'success_auc'), label: 'peer S2 success AUC', decimals: 3 },
  ];
}

export const trackingQuick: Reproduction = {
  name: 'tracking-quick',
  description: 'Distilled Siamese trackers (SiamRPN), quick profile, leave-one-sequence-out over vot15_bag, otb_crossing, otb_human3: teacher, S1, S2, S1 + KD / FitNet / TS distillation / TS + knowledge sharing',
  experiment: 'tracking-quick',
  rows: trackingRows('quick'),
  columns: trackingColumns(),
  outDir: 'reports/tracking-quick',
  figures,
};
