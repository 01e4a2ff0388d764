// Keys of blind-SR evaluation results, in the reports convention (libs/reports/README.md).
// `flops` (extra benchmarks, models only): FLOPs at the 720p-output LR size, the mean over the
// images of each one's own dynamic channel split for DCS-RISR, the static count otherwise.
/** One Gaussian8 setting: `eval/Set5-g2.6/x4/psnr`. */
export const blindSrMetricKey = (dataset: string, sigma: number, scale: number, metric: 'psnr' | 'ssim') => `eval/${dataset}-g${sigma.toFixed(1)}/x${scale}/${metric}`;
/** The mean over the evaluated sigmas: `eval/Set5-gmean/x4/psnr` (over the configured sigmas). */
export const blindSrMeanKey = (dataset: string, scale: number, metric: 'psnr' | 'ssim') => `eval/${dataset}-gmean/x${scale}/${metric}`;
/** Per-image results artifact (under the run's `eval/`). */
export const blindSrPerImageFile = (dataset: string, sigma: number, scale: number) => `${dataset}-g${sigma.toFixed(1)}_x${scale}.json`;
/** A benchmark other than Gaussian8 (one setting each): `eval/Set5-real/x4/psnr`, `eval/Set5-aniso-noise/x4/ssim`. */
export const blindSrBenchKey = (dataset: string, bench: string, scale: number, metric: 'psnr' | 'ssim' | 'flops') => `eval/${dataset}-${bench}/x${scale}/${metric}`;
/** Its per-image results artifact: `Set5-real_x4.json`. */
export const blindSrBenchFile = (dataset: string, bench: string, scale: number) => `${dataset}-${bench}_x${scale}.json`;
