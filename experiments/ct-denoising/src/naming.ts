// Metric keys of the ct-denoise task, in the reports convention `eval/<dataset>/<metric>`, with the
// dose in the dataset part: `eval/ct-test-d25/psnr` (PSNR at 25 % dose).

export function doseTag(dose: number): string {
  return `d${Math.round(dose * 100)}`;
}

export function ctMetricKey(dataset: string, dose: number, metric: 'psnr' | 'ssim' | 'rmse'): string {
  return `eval/${dataset}-${doseTag(dose)}/${metric}`;
}

export function ctPerImageFile(dataset: string, dose: number): string {
  return `${dataset}-${doseTag(dose)}.json`;
}
