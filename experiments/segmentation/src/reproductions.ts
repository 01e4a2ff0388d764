// The segmentation reproductions `kdlab reproduce` knows. seg-quick: the GlaS table of
// the quick profile: teacher (U-Net + ASPP), the ENet-like student alone, the baselines (pixel KD, FitNet, AT, SKD pairwise),
// each CoCo DistillNet component alone and CoCo DistillNet, scored on testA and testB;
// one seed (the CPU budget), and a figure of one test image. (The MobileNetV2 U-Net
// student is a row of the paper profile only.)
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { segMetricKey, type SegMetric } from './naming';
import { overlayFigure } from './figures';

const CONFIGS = 'experiments/segmentation/configs';

export const SEG_METHODS: { file: string; method: string; quick?: false }[] = [
  { file: 'teacher', method: 'teacher' },
  { file: 'student', method: 'student' },
  // Too slow for the CPU quick table (depthwise convolutions train slowly on TF's CPU kernels).
  { file: 'student-mbv2', method: 'MobileNetV2 U-Net student', quick: false },
  { file: 'pixel-kd', method: 'student + pixel KD' },
  { file: 'fitnet', method: 'student + FitNet' },
  { file: 'at', method: 'student + AT' },
  { file: 'skd', method: 'student + SKD pairwise' },
  { file: 'coco-corr', method: 'student + CoCo correlation' },
  { file: 'adversarial', method: 'student + adversarial' },
  { file: 'paraphraser', method: 'student + paraphraser (FT)' },
  { file: 'coco', method: 'student + CoCo DistillNet' },
];

export function segRows(profile: 'quick' | 'paper', seeds: number[]): ReproductionRow[] {
  return SEG_METHODS.filter((m) => profile !== 'quick' || m.quick !== false).map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/profiles/${profile}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    // The teacher has its own fixed training seed: one row.
    seeds: m.file === 'teacher' ? [0] : seeds,
    name: m.file,
  }));
}

const LABELS: Record<SegMetric, [string, number]> = {
  dice: ['Dice', 4],
  iou: ['IoU', 4],
  pixel_acc: ['acc', 4],
  miou: ['mIoU', 4],
  obj_dice: ['obj Dice', 4],
  obj_hausdorff: ['obj H', 2],
};

export function segColumns(splits: string[] = ['testA', 'testB']) {
  return [
    ...splits.flatMap((s) => (Object.keys(LABELS) as SegMetric[]).map((m) => ({ key: segMetricKey(s, m), label: `${s} ${LABELS[m][0]}`, decimals: LABELS[m][1] }))),
    { key: 'model/params', label: 'params', decimals: 0 },
    // Multiply-adds x 2 for one whole 775x522 GlaS image at the working resolution.
    { key: 'model/flops', label: 'FLOPs', decimals: 0 },
  ];
}

export const segQuick: Reproduction = {
  name: 'seg-quick',
  description: 'GlaS gland segmentation, quick profile (CPU): teacher, students, pixel KD, FitNet, AT, SKD pairwise, CoCo DistillNet components and CoCo DistillNet',
  experiment: 'seg-quick',
  rows: segRows('quick', [0]),
  columns: segColumns(),
  outDir: 'reports/seg-quick',
  figures: (ctx) => overlayFigure(ctx, { image: 'testA_1', baseline: 'student', distilled: 'student + CoCo DistillNet' }),
};
