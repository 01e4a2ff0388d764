// Metric keys of the `ref-sr` task (reports convention eval/<dataset>[/x<scale>]/<metric>).
export const corrKey = (pair: string, threshold: number): string => `eval/${pair}/corr_acc_${threshold}px`;
export const corrMedianKey = (pair: string): string => `eval/${pair}/corr_median_px`;
export const srKey = (dataset: string, metric: 'psnr' | 'ssim'): string => `eval/${dataset}/x4/${metric}`;
/** The mean over the scored opencv-doc pairs. */
export const OPENCV_MEAN = 'opencv-doc';
export const MATCHES_FILE = 'matches.json';
