// @kdlab/metrics: PSNR/SSIM as the SR literature reports them (see SR_CONVENTION).
// Interface agreed in docs/CONTRIBUTING.md; additions beyond it: srMetricOptions, ssimPlane,
// gaussian1d, toPlanes (the compared planes), ImageScore/Evaluation types, and
// imageStem/pairFilesByStem (HR/SR file pairing used by `kdlab metrics`).
export { SR_CONVENTION, srMetricOptions, type MetricOptions } from './convention';
export { psnr } from './psnr';
export { gaussian1d, ssim, ssimPlane } from './ssim';
export { evaluatePairs, type Evaluation, type ImageScore } from './evaluate';
export { toPlanes, type Planes } from './planes';
export { imageStem, pairFilesByStem } from './pairing';
// Reference-based SR (issue 12): match accuracy against a ground-truth homography.
export {
  correspondenceAccuracy, DEFAULT_THRESHOLDS, projectPoint, reprojectionErrors,
  type CorrespondenceAccuracy, type PointMatch,
} from './correspondence';
