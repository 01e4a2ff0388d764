// Keys of blind-SR evaluation results, in the reports convention (libs/reports/README.md).
/** One Gaussian8 setting: `eval/Set5-g2.6/x4/psnr`. */
export const blindSrMetricKey = (dataset: string, sigma: number, scale: number, metric: 'psnr' | 'ssim') => `eval/${dataset}-g${sigma.toFixed(1)}/x${scale}/${metric}`;
/** The mean over the evaluated sigmas: `eval/Set5-gmean/x4/psnr` (over the configured sigmas). */
export const blindSrMeanKey = (dataset: string, scale: number, metric: 'psnr' | 'ssim') => `eval/${dataset}-gmean/x${scale}/${metric}`;
/** Per-image results artifact (under the run's `eval/`). */
export const blindSrPerImageFile = (dataset: string, sigma: number, scale: number) => `${dataset}-g${sigma.toFixed(1)}_x${scale}.json`;
