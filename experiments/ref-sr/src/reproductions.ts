// The reference-based SR reproduction `kdlab reproduce` knows. refsr-quick (issue 12's name): correspondence
// accuracy on graf1/graf3 of the three matchers (teacher on HR, student without / with correlation
// distillation) and PSNR/SSIM x4 on the opencv-doc pairs of bicubic, SR without reference and the restoration
// network with each student matcher. Correspondence rows run first: the restoration rows read their weights.
// One seed per row (the budget).
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { corrKey, OPENCV_MEAN, srKey } from './naming';
import { matchFigures } from './figures';

const CONFIGS = 'experiments/ref-sr/configs';

const METHODS: { file: string; method: string; stage: 'correspondence' | 'restoration' }[] = [
  { file: 'c2-teacher', method: 'C2 teacher matcher (sees HR)', stage: 'correspondence' },
  { file: 'c2-student-no-kd', method: 'C2 student matcher without distillation', stage: 'correspondence' },
  { file: 'c2-student', method: 'C2 student matcher with distillation', stage: 'correspondence' },
  { file: 'bicubic', method: 'bicubic', stage: 'restoration' },
  { file: 'sr-no-ref', method: 'SR without reference', stage: 'restoration' },
  { file: 'c2-restoration-no-kd', method: 'C2-Matching SR, matcher without distillation', stage: 'restoration' },
  { file: 'c2-restoration', method: 'C2-Matching SR, matcher with distillation', stage: 'restoration' },
];

export function refSrRows(profile: 'quick' | 'paper'): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/profiles/${profile}${m.stage === 'restoration' ? '-restoration' : ''}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    seeds: [0],
    name: m.file,
  }));
}

export function refSrColumns(pair = 'graf', synthetic = 'Set14') {
  return [
    ...[1, 2, 4].map((t) => ({ key: corrKey(pair, t), label: `${pair} match ≤${t}px`, decimals: 3 })),
    ...[1, 2, 4].map((t) => ({ key: corrKey(`${synthetic}-homography`, t), label: `${synthetic} synthetic match ≤${t}px`, decimals: 3 })),
    { key: `eval/${pair}/corr_median_px`, label: `${pair} median error (px)`, decimals: 1 },
    { key: srKey(OPENCV_MEAN, 'psnr'), label: 'opencv-doc x4 PSNR', decimals: 2 },
    { key: srKey(OPENCV_MEAN, 'ssim'), label: 'opencv-doc x4 SSIM', decimals: 4 },
    { key: 'model/params', label: 'params', decimals: 0 },
  ];
}

export const refSrQuick: Reproduction = {
  name: 'refsr-quick',
  description: 'Reference-based SR x4 (C2-Matching), quick profile (CPU): correspondence accuracy on graf1/graf3 (H1to3p) of the teacher (HR), the student matcher without and with correlation distillation; PSNR/SSIM (Y, border 4) on the centre 256 px of the 8 opencv-doc pairs for bicubic, SR without reference and C2-Matching SR with each student matcher',
  experiment: 'refsr-quick',
  rows: refSrRows('quick'),
  columns: refSrColumns(),
  outDir: 'reports/refsr-quick',
  figures: matchFigures,
};
