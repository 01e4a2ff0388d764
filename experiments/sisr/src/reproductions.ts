// The SISR reproductions `kdlab reproduce` knows. sisr-quick: the x4 table of
// the quick profile (small EDSR teacher/student, CPU schedule), every row of
// issue 4: bicubic, teacher, student alone, and student + output KD / FD /
// FAKD / FACD / LSFD, the student rows over two seeds; and issue 10's rows: EFDN
// alone, + its edge loss, + edge loss + FAKD (against the same teacher), the
// student + PCL, + PCL with the teacher as a positive, + Meta-KD (KRNet).
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { srMetricKey } from './naming';

const CONFIGS = 'experiments/sisr/configs';

const METHODS: { file: string; method: string; seeded: boolean }[] = [
  { file: 'bicubic', method: 'bicubic', seeded: false },
  { file: 'teacher', method: 'teacher', seeded: false },
  { file: 'student', method: 'student', seeded: true },
  { file: 'output-kd', method: 'student + output KD', seeded: true },
  { file: 'fd', method: 'student + FD', seeded: true },
  { file: 'fakd', method: 'student + FAKD', seeded: true },
  { file: 'facd', method: 'student + FACD', seeded: true },
  { file: 'lsfd', method: 'student + LSFD', seeded: true },
  { file: 'efdn', method: 'EFDN', seeded: true },
  { file: 'efdn-edge', method: 'EFDN + edge loss', seeded: true },
  { file: 'efdn-edge-fakd', method: 'EFDN + edge loss + FAKD', seeded: true },
  { file: 'pcl', method: 'student + PCL', seeded: true },
  { file: 'pcl-teacher', method: 'student + PCL (teacher positive)', seeded: true },
  { file: 'meta-kd', method: 'student + Meta-KD', seeded: true },
];

function profileOverlay(profile: string, file: string): string[] {
  const overlay = `${CONFIGS}/methods/${profile}/${file}.yaml`;
  return fs.existsSync(path.join(repoRoot(), overlay)) ? [overlay] : [];
}

export function sisrRows(profile: 'quick' | 'paper', scale: 2 | 3 | 4, seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    // methods/<profile>/<file>.yaml, where it exists, restates a method's taps for that profile's model sizes (FAKD).
    files: [`${CONFIGS}/${profile}-x${scale}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`, ...profileOverlay(profile, m.file)],
    // Rows without randomness (bicubic; the teacher has its own fixed seed) run once.
    seeds: m.seeded ? seeds : [0],
    name: `x${scale}-${m.file}`,
  }));
}

export function sisrColumns(scale: number, datasets: string[] = ['Set5', 'Set14', 'B100']) {
  return [
    ...datasets.flatMap((d) => [
      { key: srMetricKey(d, scale, 'psnr'), label: `${d} PSNR`, decimals: 2 },
      { key: srMetricKey(d, scale, 'ssim'), label: `${d} SSIM`, decimals: 4 },
    ]),
    { key: 'model/params', label: 'params', decimals: 0 },
    // Multiply-adds x 2 at the LR size of a 1280x720 output.
    { key: 'model/flops', label: 'FLOPs', decimals: 0 },
  ];
}

export const sisrQuick: Reproduction = {
  name: 'sisr-quick',
  description: 'SISR x4, quick profile (CPU): bicubic, teacher, student, + output KD, + FD, + FAKD, + FACD, + LSFD; EFDN, + edge loss, + edge loss + FAKD; student + PCL, + PCL (teacher positive), + Meta-KD',
  experiment: 'sisr-quick',
  rows: sisrRows('quick', 4, [0, 1]),
  columns: sisrColumns(4),
  outDir: 'reports/sisr-quick',
};
