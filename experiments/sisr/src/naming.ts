// Keys of SR evaluation results, in the reports convention (libs/reports/README.md).
export const srMetricKey = (dataset: string, scale: number, metric: 'psnr' | 'ssim') => `eval/${dataset}/x${scale}/${metric}`;
/** Per-image results artifact (under the run's `eval/`). */
export const srPerImageFile = (dataset: string, scale: number) => `${dataset}_x${scale}.json`;
