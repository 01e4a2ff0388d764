// The CT reproductions `kdlab reproduce` knows. ct-quick: the quick profile's table (issue 13):
// the LDCT input, the conventional teacher, the RED-CNN-like student alone, + FitNet/FD,
// + TSC-Net's consistency loss, + contrastive regularisation, and full TSC-Net (+ DEM); scored on
// the held-out patients at 25 % and 10 % dose. One seed: the quick profile's budget.
import type { Reproduction, ReproductionRow, TableColumn } from '@kdlab/runner';
import { ctFigures } from './figures';
import { ctMetricKey } from './naming';

const CONFIGS = 'experiments/ct-denoising/configs';

const METHODS: { file: string; method: string; profile: '' | '-tsc'; seeded: boolean }[] = [
  { file: 'ldct', method: 'LDCT (no denoising)', profile: '', seeded: false },
  { file: 'teacher', method: 'teacher (32 ch, LDCT->NDCT)', profile: '', seeded: false },
  { file: 'student', method: 'student', profile: '', seeded: true },
  { file: 'fd', method: 'student + FitNet/FD', profile: '', seeded: true },
  { file: 'consistency', method: 'student + consistency', profile: '-tsc', seeded: true },
  { file: 'consistency-cr', method: 'student + consistency + CR', profile: '-tsc', seeded: true },
  { file: 'tsc-net', method: 'TSC-Net (+ DEM)', profile: '-tsc', seeded: true },
];

export function ctRows(profile: 'quick' | 'paper', seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/profiles/${profile}${m.profile}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    seeds: m.seeded ? seeds : [0],
    name: m.file,
  }));
}

export function ctColumns(dataset = 'ct-test', doses = [0.25, 0.1]): TableColumn[] {
  return [
    ...doses.flatMap((d) => [
      { key: ctMetricKey(dataset, d, 'psnr'), label: `${Math.round(d * 100)}% PSNR`, decimals: 2 },
      { key: ctMetricKey(dataset, d, 'ssim'), label: `${Math.round(d * 100)}% SSIM`, decimals: 4 },
      { key: ctMetricKey(dataset, d, 'rmse'), label: `${Math.round(d * 100)}% RMSE (HU)`, decimals: 2 },
    ]),
    { key: 'model/params', label: 'params', decimals: 0 },
    { key: 'model/flops', label: 'FLOPs (256x256)', decimals: 0 },
  ];
}

export const ctQuick: Reproduction = {
  name: 'ct-quick',
  description: 'Low-dose CT denoising (simulated 25 % / 10 % dose), quick profile (CPU): LDCT, teacher, student, + FitNet/FD, + consistency, + CR, TSC-Net',
  experiment: 'ct-quick',
  rows: ctRows('quick', [0]),
  columns: ctColumns(),
  outDir: 'reports/ct-quick',
  // TSC-Net first; a partial run (--only) falls back to the strongest TSC-Net ablation it has.
  figures: (ctx) => ctFigures(ctx, { student: 'student', tscNet: ['TSC-Net (+ DEM)', 'student + consistency + CR', 'student + consistency'] }),
};
