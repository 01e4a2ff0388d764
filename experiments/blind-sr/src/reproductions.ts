// The blind-SR reproduction `kdlab reproduce` knows. blind-sr-quick (issue 11's name): the quick
// profile on Set5, Set14 and B100 with Gaussian8 x4 (sigmas 1.8, 2.6, 3.2 and their mean), KDSR's
// anisotropic+noise setting and the Real-ESRGAN second-order set, params and FLOPs. Rows: bicubic,
// the KDSR rows (stage-1 KD-IDE teacher: it sees HR, an upper bound; stage-2 student without KD;
// KDSR student), the MRDA rows (teacher: adapts on HR, an upper bound; student), the plain blind student,
// and DCS-RISR (abstract-only reading) with its fixed-split ablation. One seed per row (budget).
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { blindSrBenchKey, blindSrMeanKey, blindSrMetricKey } from './naming';

const CONFIGS = 'experiments/blind-sr/configs';
const QUICK_SIGMAS = [1.8, 2.6, 3.2];

const METHODS: { file: string; method: string }[] = [
  { file: 'bicubic', method: 'bicubic' },
  { file: 'kdsr-teacher', method: 'KDSR teacher (sees HR)' },
  { file: 'kdsr-no-kd', method: 'KDSR student without KD' },
  { file: 'kdsr', method: 'KDSR student' },
  { file: 'mrda-teacher', method: 'MRDA teacher (sees HR)' },
  { file: 'mrda', method: 'MRDA student' },
  { file: 'plain', method: 'plain blind student (no degradation encoder)' },
  { file: 'dcs-risr', method: 'DCS-RISR (abstract-only reading)' },
  { file: 'dcs-risr-fixed', method: 'DCS-RISR with a fixed split (α 0.5)' },
];

/** Rows evaluated once: no training (bicubic) or a cached teacher that does not depend on the seed list. */
const SINGLE_SEED = new Set(['bicubic', 'kdsr-teacher', 'mrda-teacher']);

export function blindSrRows(profile: 'quick' | 'paper', seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/profiles/${profile}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    seeds: SINGLE_SEED.has(m.file) ? [0] : seeds,
    name: m.file,
  }));
}

export function blindSrColumns(datasets: string[], sigmas: number[]) {
  return [
    ...datasets.flatMap((d) => [
      ...sigmas.map((s) => ({ key: blindSrMetricKey(d, s, 4, 'psnr'), label: `${d} σ${s.toFixed(1)} PSNR`, decimals: 2 })),
      { key: blindSrMeanKey(d, 4, 'psnr'), label: `${d} mean PSNR`, decimals: 2 },
      { key: blindSrMeanKey(d, 4, 'ssim'), label: `${d} mean SSIM`, decimals: 4 },
      { key: blindSrBenchKey(d, 'aniso-noise', 4, 'psnr'), label: `${d} aniso+noise PSNR`, decimals: 2 },
      { key: blindSrBenchKey(d, 'aniso-noise', 4, 'ssim'), label: `${d} aniso+noise SSIM`, decimals: 4 },
      { key: blindSrBenchKey(d, 'real', 4, 'psnr'), label: `${d} real-world PSNR`, decimals: 2 },
      { key: blindSrBenchKey(d, 'real', 4, 'ssim'), label: `${d} real-world SSIM`, decimals: 4 },
    ]),
    { key: 'model/params', label: 'params', decimals: 0 },
    // Multiply-adds x 2 at the LR size of a 1280x720 output; a dynamic split counts as all-high (upper bound).
    { key: 'model/flops', label: 'FLOPs', decimals: 0 },
    // The same, each real-world image at its own split (DCS-RISR), averaged; = FLOPs for static models.
    ...datasets.map((d) => ({ key: blindSrBenchKey(d, 'real', 4, 'flops'), label: `FLOPs at ${d} real-world splits`, decimals: 0 })),
  ];
}

export const blindSrQuick: Reproduction = {
  name: 'blind-sr-quick',
  description: 'Blind SR x4, quick profile (CPU), Set5/Set14/B100: Gaussian8 (σ 1.8, 2.6, 3.2 and mean), aniso+noise, real-world (Real-ESRGAN second-order); bicubic, KDSR teacher (sees HR), KDSR student without KD, KDSR student, MRDA teacher (sees HR), MRDA student, plain blind student, DCS-RISR (abstract-only) and its fixed split',
  experiment: 'blind-sr-quick',
  rows: blindSrRows('quick', [0]),
  columns: blindSrColumns(['Set5', 'Set14', 'B100'], QUICK_SIGMAS),
  outDir: 'reports/blind-sr-quick',
};
