// The blind-SR reproduction `kdlab reproduce` knows. blind-sr-quick (issue 11's name): the
// Gaussian8 x4 table of the quick profile on Set5 (sigmas 1.8, 2.6, 3.2 and their mean) with the
// KDSR rows so far: bicubic, the stage-1 KD-IDE teacher (it sees HR: an upper bound), the stage-2
// student without KD, and the KDSR student. One seed per row (the budget is not yet measured).
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { blindSrMeanKey, blindSrMetricKey } from './naming';

const CONFIGS = 'experiments/blind-sr/configs';
const QUICK_SIGMAS = [1.8, 2.6, 3.2];

const METHODS: { file: string; method: string }[] = [
  { file: 'bicubic', method: 'bicubic' },
  { file: 'kdsr-teacher', method: 'KDSR teacher (sees HR)' },
  { file: 'kdsr-no-kd', method: 'KDSR student without KD' },
  { file: 'kdsr', method: 'KDSR student' },
];

export function blindSrRows(profile: 'quick' | 'paper', seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/profiles/${profile}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    seeds: m.file === 'bicubic' || m.file === 'kdsr-teacher' ? [0] : seeds,
    name: m.file,
  }));
}

export function blindSrColumns(datasets: string[], sigmas: number[]) {
  return [
    ...datasets.flatMap((d) => [
      ...sigmas.map((s) => ({ key: blindSrMetricKey(d, s, 4, 'psnr'), label: `${d} σ${s.toFixed(1)} PSNR`, decimals: 2 })),
      { key: blindSrMeanKey(d, 4, 'psnr'), label: `${d} mean PSNR`, decimals: 2 },
      { key: blindSrMeanKey(d, 4, 'ssim'), label: `${d} mean SSIM`, decimals: 4 },
    ]),
    { key: 'model/params', label: 'params', decimals: 0 },
    // Multiply-adds x 2 at the LR size of a 1280x720 output.
    { key: 'model/flops', label: 'FLOPs', decimals: 0 },
  ];
}

export const blindSrQuick: Reproduction = {
  name: 'blind-sr-quick',
  description: 'Blind SR x4, quick profile (CPU), Gaussian8 on Set5 (σ 1.8, 2.6, 3.2 and mean): bicubic, KDSR teacher (sees HR), KDSR student without KD, KDSR student',
  experiment: 'blind-sr-quick',
  rows: blindSrRows('quick', [0]),
  columns: blindSrColumns(['Set5'], QUICK_SIGMAS),
  outDir: 'reports/blind-sr-quick',
};
